/**
 * Intervals on the fitted allocation's exponents (exponentIntervals.ts) on an ensemble made by hand: three models, four
 * members with chosen weights. Oracles: the closed-form exponents of allocation.ts for each fit (alpha / (alpha + g
 * beta) and so on, tested against brute force there), the jackknife mix written out (point + sqrt((G - 1) / G) sum_g
 * w_g (q_g - mean q)), each model left out of the cost law too, and Hyndman & Fan's definition 7 on four members.
 */
import { describe, expect, it } from 'vitest';
import { type CostPowerLaw, fittedAllocationExponents } from '../../../src/core/laws/allocation.js';
import type { SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import { exponentIntervals } from '../../../src/core/uncertainty/exponentIntervals.js';
import type { LawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';

// g beta = alpha at the point: both exponents are 0.5 there, so the two intervals overlap around the paper's rule.
const law: SurfaceCoefficients = { E: 2, A: 7.5e4, alpha: 0.5, B: 330, beta: 0.5 / 0.9 };
const cost: CostPowerLaw = { coefficient: 1.6e-6, exponent: 0.9 };
const MODELS = ['a', 'b', 'c'];
/** Member rows over models a, b, c: each member leans on one model, one on none. */
const WEIGHTS = [
  [2, 0, 0],
  [0, 2, 0],
  [0, 0, 2],
  [0, 0, 0],
];

function ensemble(): { ensemble: LawEnsemble; fits: LawEnsemble['jftLoss'] } {
  const fits = {
    point: law,
    leaveOneOut: [
      { model: 'a', law: { ...law, alpha: 0.4 } },
      { model: 'b', law: { ...law, alpha: 0.5 } },
      { model: 'c', law: { ...law, alpha: 0.6, beta: 0.6 } },
    ],
  };
  const made = {
    seed: 0,
    memberCount: WEIGHTS.length,
    models: MODELS,
    weights: Float64Array.from(WEIGHTS.flat()),
    jftLoss: fits,
    finetune: fits,
    costLaw: {
      point: cost,
      // Without model c the cost law is steeper: c's own fit moves both laws.
      leaveOneOut: [
        { model: 'a', law: cost },
        { model: 'b', law: cost },
        { model: 'c', law: { ...cost, exponent: 1 } },
      ],
    },
    resampling: 'by hand',
    residualLogSd: { jftLoss: 0, finetune: 0 },
  };
  return { ensemble: made as unknown as LawEnsemble, fits };
}

/** The members of one exponent: the mix written out. */
function membersOf(key: 'flopsPerImage' | 'costPerEpoch' | 'epochs'): number[] {
  const { fits } = ensemble();
  const point = fittedAllocationExponents(law, cost)[key];
  const costs = [cost, cost, { ...cost, exponent: 1 }];
  const without = fits.leaveOneOut.map(
    (f, g) => fittedAllocationExponents(f.law, costs[g] as CostPowerLaw)[key],
  );
  const mean = without.reduce((s, q) => s + q, 0) / 3;
  return WEIGHTS.map(
    (row) => point + Math.sqrt(2 / 3) * row.reduce((s, w, g) => s + w * ((without[g] as number) - mean), 0),
  );
}

/** Hyndman & Fan definition 7. */
function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return (
    (sorted[lo] as number) +
    (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] as number) - (sorted[lo] as number))
  );
}

describe('exponentIntervals on an ensemble made by hand', () => {
  it('gives each exponent the level’s percentile interval of its members, widened to its point', () => {
    const { ensemble: e, fits } = ensemble();
    const point = fittedAllocationExponents(law, cost);
    for (const level of [0.5, 0.9]) {
      const result = exponentIntervals(e, fits, level, 0.5);
      expect(result.level).toBe(level);
      for (const key of ['flopsPerImage', 'costPerEpoch', 'epochs'] as const) {
        const m = membersOf(key);
        expect(result[key].lower).toBeCloseTo(Math.min(quantile(m, (1 - level) / 2), point[key]), 14);
        expect(result[key].upper).toBeCloseTo(Math.max(quantile(m, (1 + level) / 2), point[key]), 14);
      }
    }
  });

  it('says whether the paper’s rule lies inside both the cost-per-epoch and the epochs intervals, ends included', () => {
    const { ensemble: e, fits } = ensemble();
    const at = exponentIntervals(e, fits, 0.9, 0.5);
    const inside = (i: { lower: number; upper: number }, rule: number) => i.lower <= rule && rule <= i.upper;
    const range = (i: { lower: number; upper: number }) => `[${i.lower.toFixed(3)}, ${i.upper.toFixed(3)}]`;
    for (const rule of [
      0.5,
      at.costPerEpoch.lower,
      at.costPerEpoch.upper,
      at.epochs.lower,
      at.epochs.upper,
      0.01,
      0.99,
    ]) {
      const result = exponentIntervals(e, fits, 0.9, rule);
      const expected = inside(result.costPerEpoch, rule) && inside(result.epochs, rule);
      expect(result.paperRuleInside).toBe(expected);
      expect(result.statement).toBe(
        `At 90 %, the data put the cost-per-epoch exponent in ${range(result.costPerEpoch)} and the epochs exponent in ` +
          `${range(result.epochs)}: the paper's rule of ${rule} for both lies ${expected ? 'inside' : 'outside'} them.`,
      );
    }
    // An end of one interval inside the other: there the ends decide, and at least one such end is inside both.
    const ends = [at.costPerEpoch.lower, at.costPerEpoch.upper, at.epochs.lower, at.epochs.upper];
    expect(ends.some((end) => exponentIntervals(e, fits, 0.9, end).paperRuleInside)).toBe(true);
    expect(exponentIntervals(e, fits, 0.9, 0.01).paperRuleInside).toBe(false);
  });
});
