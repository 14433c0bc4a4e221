/**
 * Intervals on the fitted strategy's allocation exponents (cost per epoch ~ C^a, epochs ~ C^b, FLOPs per image ~
 * C^c): the closed form of allocation.ts evaluated for each ensemble member, with that member's surface and cost-law
 * exponent, and the level's percentile interval over the members (Efron & Tibshirani 1993 ch. 13), widened if need be
 * to contain the point fit's exponent.
 */

import { type AllocationExponents, fittedAllocationExponents } from '../laws/allocation.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import type { Interval } from './intervals.js';
import type { LawEnsemble } from './lawEnsemble.js';

export interface ExponentIntervals {
  readonly level: number;
  readonly flopsPerImage: Interval;
  readonly costPerEpoch: Interval;
  readonly epochs: Interval;
  /** Whether the paper's rule, 0.5 for both cost per epoch and epochs, lies inside both intervals. */
  readonly paperRuleInside: boolean;
  readonly statement: string;
}

function percentile(values: number[], level: number, point: number): Interval {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
  };
  return { lower: Math.min(at((1 - level) / 2), point), upper: Math.max(at((1 + level) / 2), point) };
}

export function exponentIntervals(
  ensemble: LawEnsemble,
  surfaceOf: (member: LawEnsemble['members'][number]) => SurfaceCoefficients,
  level: number,
  paperRule: number,
  point: AllocationExponents,
): ExponentIntervals {
  const exponents: AllocationExponents[] = ensemble.members.map((m) =>
    // The exponents depend on the cost law's exponent only, not on its coefficients.
    fittedAllocationExponents(surfaceOf(m), { coefficient: 1, exponent: m.costLaw.exponent }),
  );
  const costPerEpoch = percentile(
    exponents.map((e) => e.costPerEpoch),
    level,
    point.costPerEpoch,
  );
  const epochs = percentile(
    exponents.map((e) => e.epochs),
    level,
    point.epochs,
  );
  const inside = (i: Interval) => i.lower <= paperRule && paperRule <= i.upper;
  const paperRuleInside = inside(costPerEpoch) && inside(epochs);
  const range = (i: Interval) => `[${i.lower.toFixed(3)}, ${i.upper.toFixed(3)}]`;
  return {
    level,
    flopsPerImage: percentile(
      exponents.map((e) => e.flopsPerImage),
      level,
      point.flopsPerImage,
    ),
    costPerEpoch,
    epochs,
    paperRuleInside,
    statement:
      `At ${Math.round(level * 100)} %, the data put the cost-per-epoch exponent in ${range(costPerEpoch)} and the epochs ` +
      `exponent in ${range(epochs)}: the paper's rule of ${paperRule} for both lies ${paperRuleInside ? 'inside' : 'outside'} them.`,
  };
}
