/**
 * How sure a plan's pick is: under each ensemble member, which of the candidates has the lowest predicted objective
 * (JFT loss, or top-1 error), and so the share of members under which each candidate is the best. Members are the
 * laws' alternative fits (lawEnsemble.ts), so a share is the bootstrap probability that the candidate is the best
 * choice given the data's uncertainty about the laws (the cost law's uncertainty is not included: a budget buys each
 * candidate the epochs the point cost law gives, as the plan states them).
 */

import {
  GRID_POINTS,
  type GridLaw,
  type GridPosition,
  gridPosition,
  memberOffset,
  type PredictionGrid,
  type RowSummaries,
} from './predictionGrid.js';
import { mixReach } from './surfaceMembers.js';

export interface ShareCandidate {
  /** Index of the variant in the grid (PredictionGrid.variantIndex). */
  readonly variant: number;
  readonly imagesSeen: number;
}

/**
 * The share of members under which each candidate is the best (ties go to the earlier candidate). A candidate another
 * beats under every member (gridCandidatesThatCanWin) is skipped without reading its members.
 */
export function pickShares(
  grid: PredictionGrid,
  law: GridLaw,
  candidates: readonly ShareCandidate[],
): Float64Array {
  const M = grid.members;
  const positions = candidates.map((c) => gridPosition(Math.log(c.imagesSeen)));
  const canWin = gridCandidatesThatCanWin(grid.summaries[law], candidates, positions);
  const best = new Float64Array(M).fill(Number.POSITIVE_INFINITY);
  const winner = new Int32Array(M);
  const table = grid.values[law];
  for (let i = 0; i < candidates.length; i++) {
    if (!canWin[i]) continue;
    const c = candidates[i] as ShareCandidate;
    const at = positions[i] as GridPosition;
    // predictionGrid's memberValues fused with the comparison: this loop is most of a plan's time with an ensemble.
    const a = memberOffset(grid, c.variant, at);
    const b = a + M;
    const f = at.fraction;
    for (let m = 0; m < M; m++) {
      const va = table[a + m] as number;
      const v = va + f * ((table[b + m] as number) - va);
      if (v < (best[m] as number)) {
        best[m] = v;
        winner[m] = i;
      }
    }
  }
  return sharesOfWinners(winner, candidates.length);
}

/**
 * Which candidates can be the best under some member, from the grid's row summaries alone (no member is read): between
 * two rows every member is linear in the position, so at its position a candidate's members are P + s sum_g w_mg d_g
 * with P and d interpolated like the members, and c loses to y under every member when P_c - P_y exceeds
 * s times mixReach's bound on sum_g w_mg (d_cg - d_yg) (surfaceMembers.ts, configurationsThatCanWin). Members move
 * together, so this rules out most candidates and spares reading their rows, which are scattered over the 3 MB table
 * and mostly out of the processor's caches between requests. Only candidates whose rows hold no member at a bound take
 * part (a held member is not linear), and the margin covers the table's 32-bit rounding (a relative 6e-8 per value).
 */
function gridCandidatesThatCanWin(
  summaries: RowSummaries,
  candidates: readonly ShareCandidate[],
  positions: readonly GridPosition[],
): boolean[] {
  const K = summaries.deviationsPerRow;
  const stride = K + 1;
  const interpolated = candidates.map((c, i) => {
    const at = positions[i] as GridPosition;
    const a = c.variant * GRID_POINTS + at.point;
    if (summaries.linear[a] !== 1 || summaries.linear[a + 1] !== 1) return undefined;
    const f = at.fraction;
    const row = new Float64Array(stride);
    for (let k = 0; k < stride; k++) {
      const va = summaries.values[a * stride + k] as number;
      row[k] = va + f * ((summaries.values[(a + 1) * stride + k] as number) - va);
    }
    return row;
  });
  const dominates = (y: Float64Array, c: Float64Array) => {
    const reach = mixReach(summaries.weights, c, y, 1);
    const gap = (c[0] as number) - (y[0] as number);
    return (
      gap >
      summaries.scale * reach + TABLE_ROUNDING * (Math.abs(c[0] as number) + Math.abs(y[0] as number) + reach)
    );
  };
  return interpolated.map(
    (c, i) => c === undefined || !interpolated.some((y, j) => j !== i && y !== undefined && dominates(y, c)),
  );
}

/** Relative allowance for the table's 32-bit values and the interpolation's rounding: 2^-24 is 6e-8. */
const TABLE_ROUNDING = 1e-6;

/**
 * The same shares from each candidate's member predictions given directly (one row of memberCount values per
 * candidate), as a caller's law's ensemble gives them (surfaceMembers.ts). A candidate without a row is one that wins
 * under no member (its share is 0); at least one has a row.
 */
export function pickSharesOfMembers(rows: readonly (Float64Array | undefined)[]): Float64Array {
  const M = rows.find((row) => row !== undefined)?.length ?? 0;
  const best = new Float64Array(M).fill(Number.POSITIVE_INFINITY);
  const winner = new Int32Array(M);
  rows.forEach((row, i) => {
    if (row === undefined) return;
    for (let m = 0; m < M; m++)
      if ((row[m] as number) < (best[m] as number)) {
        best[m] = row[m] as number;
        winner[m] = i;
      }
  });
  return sharesOfWinners(winner, rows.length);
}

/** Each candidate's share of the members it wins under. */
function sharesOfWinners(winner: Int32Array, candidates: number): Float64Array {
  // Counted, then divided once: a sum of 200 increments of 1/200 overshoots 1 in the last digit.
  const wins = new Float64Array(candidates);
  for (let m = 0; m < winner.length; m++)
    wins[winner[m] as number] = (wins[winner[m] as number] as number) + 1;
  for (let i = 0; i < wins.length; i++) wins[i] = (wins[i] as number) / winner.length;
  return wins;
}
