/**
 * An interval on a quantity, at a level stated beside it. Its own module so the interval makers (intervals.ts,
 * allocationIntervals.ts) and the planner's uncertainty context can all name it without importing one another.
 */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}
