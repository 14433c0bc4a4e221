/**
 * Intervals on the fitted strategy's allocation exponents (cost per epoch ~ C^a, epochs ~ C^b, FLOPs per image ~
 * C^c): the closed form of allocation.ts for the fit and for each fit without a model (the surface's and the cost
 * law's without that model), mixed into the ensemble's members (lawEnsemble.ts), and the level's percentile interval
 * over the members, widened if need be to contain the point fit's exponent.
 */

import {
  type AllocationExponents,
  type CostPowerLaw,
  fittedAllocationExponents,
} from '../laws/allocation.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import type { Interval } from './intervals.js';
import { type JackknifeFits, type LawEnsemble, mixMembers } from './lawEnsemble.js';
import { quantileInPlace } from './quantileInPlace.js';

export interface ExponentIntervals {
  readonly level: number;
  readonly flopsPerImage: Interval;
  readonly costPerEpoch: Interval;
  readonly epochs: Interval;
  /** Whether the paper's rule, 0.5 for both cost per epoch and epochs, lies inside both intervals. */
  readonly paperRuleInside: boolean;
  readonly statement: string;
}

/** The level's percentile interval of the members (reordered), widened to contain the point. */
function percentile(members: Float64Array, level: number, point: number): Interval {
  return {
    lower: Math.min(quantileInPlace(members, (1 - level) / 2), point),
    upper: Math.max(quantileInPlace(members, (1 + level) / 2), point),
  };
}

export function exponentIntervals(
  ensemble: LawEnsemble,
  fits: JackknifeFits<SurfaceCoefficients>,
  level: number,
  paperRule: number,
): ExponentIntervals {
  // Each model left out of the surface is left out of the cost law too: the exponents without it.
  const costWithout = new Map(ensemble.costLaw.leaveOneOut.map((f) => [f.model, f.law]));
  const exponentsOf = (law: SurfaceCoefficients, cost: CostPowerLaw) => fittedAllocationExponents(law, cost);
  const point = exponentsOf(fits.point, ensemble.costLaw.point);
  const without = fits.leaveOneOut.map((f) =>
    exponentsOf(f.law, costWithout.get(f.model) ?? ensemble.costLaw.point),
  );
  const members = (key: keyof AllocationExponents) => {
    const out = new Float64Array(ensemble.memberCount);
    mixMembers(
      ensemble,
      fits.leaveOneOut.map((f) => f.model),
      point[key],
      without.map((e) => e[key]),
      out,
    );
    return out;
  };
  const costPerEpoch = percentile(members('costPerEpoch'), level, point.costPerEpoch);
  const epochs = percentile(members('epochs'), level, point.epochs);
  const inside = (i: Interval) => i.lower <= paperRule && paperRule <= i.upper;
  const paperRuleInside = inside(costPerEpoch) && inside(epochs);
  const range = (i: Interval) => `[${i.lower.toFixed(3)}, ${i.upper.toFixed(3)}]`;
  return {
    level,
    flopsPerImage: percentile(members('flopsPerImage'), level, point.flopsPerImage),
    costPerEpoch,
    epochs,
    paperRuleInside,
    statement:
      `At ${Math.round(level * 100)} %, the data put the cost-per-epoch exponent in ${range(costPerEpoch)} and the epochs ` +
      `exponent in ${range(epochs)}: the paper's rule of ${paperRule} for both lies ${paperRuleInside ? 'inside' : 'outside'} them.`,
  };
}
