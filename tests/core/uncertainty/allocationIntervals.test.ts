/**
 * The ideal allocation's intervals (allocationIntervals.ts) and the members' optimum lines. Oracles: budgets worked by
 * hand on a cost law of c F^g (epochs = C / (c F^g s), F = (C / (E s c))^(1/g)), Hyndman & Fan's definition 7 on a
 * handful of members, the closed-form optimum of allocation.ts for a law every member shares, and the jackknife mix
 * written out (point + sqrt((G - 1) / G) sum_g w_g (q_g - mean q)) for a two-member ensemble made by hand.
 */
import { describe, expect, it } from 'vitest';
import { type CostPowerLaw, optimalLogFlopsPerImage } from '../../../src/core/laws/allocation.js';
import type { SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import { allocationIntervals, optimumLines } from '../../../src/core/uncertainty/allocationIntervals.js';

/** Five members' ideal sizes, 1e9 to 1.6e10 FLOPs per image, doubling: the 25 % and 75 % quantiles are 2e9 and 8e9. */
const members = () => Float64Array.from([1.6e10, 1e9, 8e9, 2e9, 4e9], Math.log);
const LINEAR: CostPowerLaw = { coefficient: 1e-6, exponent: 1 };
const STUDIED = { minEpochs: 0.25, maxEpochs: 8 };

describe('allocationIntervals (hand-worked on cost = 1e-6 F core hours per epoch)', () => {
  it('at 50 %: epochs 1.25 (8e9 FLOPs) to 5 (2e9), cost per epoch 2,000 to 8,000, FLOPs 2e9 to 8e9', () => {
    const result = allocationIntervals(members(), LINEAR, 1e4, 1, STUDIED, 0.5, {
      epochs: 2.5,
      flopsPerImage: 4e9,
    });
    expect(result.epochsInterval.lower).toBeCloseTo(1.25, 12);
    expect(result.epochsInterval.upper).toBeCloseTo(5, 12);
    expect(result.costPerEpochTpuV4CoreHoursInterval.lower).toBeCloseTo(2000, 8);
    expect(result.costPerEpochTpuV4CoreHoursInterval.upper).toBeCloseTo(8000, 8);
    expect(result.flopsPerImageInterval.lower / 2e9).toBeCloseTo(1, 12);
    expect(result.flopsPerImageInterval.upper / 8e9).toBeCloseTo(1, 12);
  });

  it('holds the epochs in the window: at most 4 epochs puts the smallest model at 2.5e9 FLOPs', () => {
    const result = allocationIntervals(members(), LINEAR, 1e4, 1, { minEpochs: 2, maxEpochs: 4 }, 0.5, {
      epochs: 2.5,
      flopsPerImage: 4e9,
    });
    expect(result.epochsInterval).toEqual({ lower: 2, upper: 4 });
    expect(result.flopsPerImageInterval.lower / 2.5e9).toBeCloseTo(1, 12);
    expect(result.flopsPerImageInterval.upper / 5e9).toBeCloseTo(1, 12);
  });

  it('widens to contain the point ideal, and prices an epoch of a larger dataset higher', () => {
    const outside = allocationIntervals(members(), LINEAR, 1e4, 1, STUDIED, 0.5, {
      epochs: 7,
      flopsPerImage: 1e10,
    });
    expect(outside.epochsInterval.upper).toBe(7);
    expect(outside.flopsPerImageInterval.upper).toBe(1e10);
    expect(outside.costPerEpochTpuV4CoreHoursInterval.lower).toBeCloseTo(1e4 / 7, 9);
    const low = allocationIntervals(members(), LINEAR, 1e4, 1, STUDIED, 0.5, {
      epochs: 1,
      flopsPerImage: 1e9,
    });
    expect(low.epochsInterval.lower).toBe(1);
    expect(low.flopsPerImageInterval.lower).toBe(1e9);
    // A dataset twice JFT-4B's size (share 2) makes each epoch cost twice as much: half the epochs, the same sizes.
    const half = allocationIntervals(members(), LINEAR, 1e4, 2, STUDIED, 0.5, {
      epochs: 1.25,
      flopsPerImage: 4e9,
    });
    expect(half.epochsInterval.lower).toBeCloseTo(0.625, 12);
    expect(half.epochsInterval.upper).toBeCloseTo(2.5, 12);
    expect(half.flopsPerImageInterval.lower / 2e9).toBeCloseTo(1, 12);
  });

  it('with cost ~ F^0.5: epochs = C / (c sqrt F), F = (C / (E c))^2', () => {
    const sqrt: CostPowerLaw = { coefficient: 1e-2, exponent: 0.5 };
    // 25 % quantile 2e9: epochs = 1e4 / (1e-2 x 44,721) = 22.36, held at 8; 75 % quantile 8e9: 11.18, held at 8 too.
    const held = allocationIntervals(members(), sqrt, 1e4, 1, STUDIED, 0.5, {
      epochs: 8,
      flopsPerImage: 1.5625e12,
    });
    expect(held.epochsInterval).toEqual({ lower: 8, upper: 8 });
    const wide = allocationIntervals(members(), sqrt, 1e4, 1, { minEpochs: 0.25, maxEpochs: 100 }, 0.5, {
      epochs: 15,
      flopsPerImage: 4e9,
    });
    expect(wide.epochsInterval.lower).toBeCloseTo(1e4 / (1e-2 * Math.sqrt(8e9)), 9);
    expect(wide.epochsInterval.upper).toBeCloseTo(1e4 / (1e-2 * Math.sqrt(2e9)), 9);
    expect(wide.flopsPerImageInterval.upper / 8e9).toBeCloseTo(1, 12);
  });
});

describe('optimumLines: each member’s ln F* as a line in ln C', () => {
  const law: SurfaceCoefficients = { E: 2, A: 7.5e4, alpha: 0.52, B: 330, beta: 0.3 };
  const cost: CostPowerLaw = { coefficient: 1.6e-6, exponent: 0.875 };
  const ensemble = {
    memberCount: 2,
    models: ['a', 'b', 'c'],
    weights: Float64Array.from([1, 0, 0, 0, 1, -1]),
  };

  it('is the closed-form optimum of allocation.ts for every member when every fit is the same law', () => {
    const fits = { point: law, leaveOneOut: ['a', 'b', 'c'].map((model) => ({ model, law })) };
    const lines = optimumLines(ensemble, fits, cost);
    for (const C of [1e3, 2e4, 1e6])
      for (let m = 0; m < 2; m++)
        expect((lines.intercept[m] as number) + (lines.slope[m] as number) * Math.log(C)).toBeCloseTo(
          optimalLogFlopsPerImage(law, cost, C),
          10,
        );
  });

  it('mixes the fits without each model as the jackknife does, and remembers the lines per fits and cost law', () => {
    const fits = {
      point: law,
      leaveOneOut: [
        { model: 'a', law: { ...law, alpha: 0.5 } },
        { model: 'b', law: { ...law, alpha: 0.52 } },
        { model: 'c', law: { ...law, alpha: 0.54 } },
      ],
    };
    const slope = (alpha: number) => law.beta / (alpha + cost.exponent * law.beta);
    const mean = (slope(0.5) + slope(0.52) + slope(0.54)) / 3;
    const scale = Math.sqrt(2 / 3);
    const lines = optimumLines(ensemble, fits, cost);
    // Member 0 weighs model a by 1; member 1 weighs b by 1 and c by -1.
    expect(lines.slope[0]).toBeCloseTo(slope(0.52) + scale * (slope(0.5) - mean), 14);
    expect(lines.slope[1]).toBeCloseTo(slope(0.52) + scale * (slope(0.52) - slope(0.54)), 14);
    expect(optimumLines(ensemble, fits, cost)).toBe(lines);
    expect(optimumLines(ensemble, fits, { ...cost })).not.toBe(lines);
  });
});
