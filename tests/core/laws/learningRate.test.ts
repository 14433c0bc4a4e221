import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { countNfnet } from '../../../src/core/architecture/count.js';
import { NFNET_VARIANTS } from '../../../src/core/architecture/variants.js';
import { FIGURE3_OPTIMAL_LEARNING_RATE, type Figure3Point } from '../../../src/core/dataset/figures.js';
import { PlannerInputError } from '../../../src/core/errors.js';
import {
  fitLearningRateLaw,
  learningRateTrials,
  predictLearningRate,
  snapLearningRate,
} from '../../../src/core/laws/learningRate.js';
import { refusalOf } from '../thrown.js';

// Fitted before each test, not once at collection: a mutation tester then sees each test exercise the fit.
let law: ReturnType<typeof fitLearningRateLaw>;
beforeEach(() => {
  law = fitLearningRateLaw();
});
const flopsOf = (model: string) => countNfnet(model as Figure3Point['model']).flops;

function thrownField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlannerInputError) return error.field;
    throw error;
  }
  return undefined;
}

describe('snapLearningRate: nearest value of the factor-2 grid through 1.6, in log space (hand-worked)', () => {
  it.each([
    [1.6, 1.6],
    [0.8005, 0.8],
    [0.4001, 0.4],
    // log2(1.2 / 1.6) = -0.415 rounds to 0; log2(1.1 / 1.6) = -0.541 rounds to -1.
    [1.2, 1.6],
    [1.1, 0.8],
    // log2(3 / 1.6) = 0.907 rounds to 1; log2(0.1 / 1.6) = -4 exactly.
    [3, 3.2],
    [0.1, 0.1],
  ])('%f -> %f', (value, grid) => {
    expect(snapLearningRate(value)).toBeCloseTo(grid, 12);
  });

  it('switches grid value at the geometric midpoint 1.6 / sqrt(2)', () => {
    const midpoint = 1.6 / Math.SQRT2;
    expect(snapLearningRate(midpoint * 1.0001)).toBe(1.6);
    expect(snapLearningRate(midpoint * 0.9999)).toBe(0.8);
  });
});

describe('learning-rate law against Figure 3 (Smith et al. 2023, 18 digitized optima)', () => {
  // Oracle: the digitized optima, each put on the paper's sweep grid 0.4 / 0.8 / 1.6 by the nearest value.
  const sweepGrid = [0.4, 0.8, 1.6];
  const onSweepGrid = (lr: number) =>
    sweepGrid.reduce((best, g) => (Math.abs(Math.log(g / lr)) < Math.abs(Math.log(best / lr)) ? g : best));

  it('reproduces at least 17 of the 18 points after snapping, and reports the count it achieves', () => {
    let reproduced = 0;
    for (const p of FIGURE3_OPTIMAL_LEARNING_RATE) {
      const predicted = snapLearningRate(predictLearningRate(law, flopsOf(p.model), p.epochs));
      if (Math.abs(predicted - onSweepGrid(p.optimalLearningRate)) < 1e-12) reproduced++;
    }
    expect(reproduced).toBeGreaterThanOrEqual(17);
    expect(law.quality.reproducedExactly).toBe(reproduced);
    expect(law.quality.n).toBe(18);
    expect(law.quality.points.filter((p) => p.reproduced)).toHaveLength(reproduced);
  });

  it('gives 1.6 (the stated short-run optimum) at 0.25 epochs for every NFNet variant', () => {
    for (const variant of NFNET_VARIANTS) {
      expect(predictLearningRate(law, countNfnet(variant).flops, 0.25)).toBe(1.6);
    }
  });

  it('never exceeds 1.6 and never rises with epochs or model size (property over a wide range)', () => {
    const flops = fc.double({ min: 1e8, max: 1e13, noNaN: true });
    const epochs = fc.double({ min: 1e-3, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(flops, flops, epochs, epochs, (f1, f2, e1, e2) => {
        const [fSmall, fLarge] = f1 <= f2 ? [f1, f2] : [f2, f1];
        const [eShort, eLong] = e1 <= e2 ? [e1, e2] : [e2, e1];
        const base = predictLearningRate(law, fSmall, eShort);
        return (
          base <= 1.6 &&
          predictLearningRate(law, fSmall, eLong) <= base &&
          predictLearningRate(law, fLarge, eShort) <= base &&
          predictLearningRate(law, fLarge, eLong) <= predictLearningRate(law, fLarge, eShort)
        );
      }),
      { seed: 20231025, numRuns: 2000 },
    );
  });

  it('falls sooner for larger models, as the paper says: the onset epoch budget shrinks with FLOPs', () => {
    expect(law.coefficients.onsetFlopsExponent).toBeGreaterThan(0);
    expect(law.coefficients.epochsExponent).toBeGreaterThan(0);
    // E0(F) = k F^-g read at the reference model must equal the reported onset there.
    const c = law.coefficients;
    expect(c.onsetCoefficient * c.referenceFlopsPerImage ** -c.onsetFlopsExponent).toBeCloseTo(
      c.onsetEpochsAtReference,
      9,
    );
    expect(c.referenceFlopsPerImage).toBe(flopsOf('F0'));
  });
});

describe('fitting recovers a known law from synthetic optima', () => {
  it('finds E0(F0) = 3 epochs, g = 0.5, d = 0.7 from unsnapped values of that law', () => {
    const f0 = flopsOf('F0');
    const truth = (model: Figure3Point['model'], epochs: number) => {
      const onset = 3 * (flopsOf(model) / f0) ** -0.5;
      return 1.6 * Math.min(1, (epochs / onset) ** -0.7);
    };
    const points: Figure3Point[] = (['F0', 'F3', 'F7+'] as const).flatMap((model) =>
      [0.25, 0.5, 1, 2, 4, 8].map((epochs) => ({ model, epochs, optimalLearningRate: truth(model, epochs) })),
    );
    const fitted = fitLearningRateLaw(points);
    expect(fitted.coefficients.onsetEpochsAtReference).toBeCloseTo(3, 4);
    expect(fitted.coefficients.onsetFlopsExponent).toBeCloseTo(0.5, 4);
    expect(fitted.coefficients.epochsExponent).toBeCloseTo(0.7, 4);
    expect(fitted.quality.rmseLog).toBeLessThan(1e-6);
  });
});

describe('learningRateTrials: the paper tunes within 2 trials (hand-worked)', () => {
  it('tries the snapped optimum and one grid step below it', () => {
    // F0 at 0.25 epochs is before every onset: optimum 1.6, so 1.6 then 0.8.
    expect(learningRateTrials(law, flopsOf('F0'), 0.25)).toEqual([1.6, 0.8]);
    // F7+ at 8 epochs: Figure 3's optimum is 0.4, so 0.4 then 0.2.
    expect(learningRateTrials(law, flopsOf('F7+'), 8)).toEqual([0.4, 0.2]);
  });

  it('given the optimum of a smaller configuration, tries that value and half of it', () => {
    expect(learningRateTrials(law, flopsOf('F7+'), 8, 0.8)).toEqual([0.8, 0.4]);
    expect(learningRateTrials(law, flopsOf('F3'), 2, 1.2)).toEqual([1.2, 0.6]);
  });
});

describe('learning-rate input validation names the field', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects %f', (bad) => {
    expect(thrownField(() => predictLearningRate(law, flopsOf('F0'), bad))).toBe('epochs');
    expect(thrownField(() => predictLearningRate(law, bad, 1))).toBe('flopsPerImage');
    expect(thrownField(() => learningRateTrials(law, flopsOf('F0'), 1, bad))).toBe(
      'previousOptimalLearningRate',
    );
    expect(thrownField(() => learningRateTrials(law, flopsOf('F0'), bad))).toBe('epochs');
    expect(thrownField(() => snapLearningRate(bad))).toBe('learningRate');
  });

  it('rejects a fit with too few points', () => {
    expect(thrownField(() => fitLearningRateLaw(FIGURE3_OPTIMAL_LEARNING_RATE.slice(0, 2)))).toBe('points');
  });
});

describe('the learning-rate law states itself and its fit (oracle: the quality recomputed from its own points)', () => {
  it('names its form and sources, and its RMSE is that of ln predicted - ln observed over the 18 optima', () => {
    expect(law.id).toBe('optimal_learning_rate');
    expect(law.form).toBe('lr = lr0 x min(1, (E / E0(F))^(-d)), E0(F) = k x F^(-g)');
    expect(law.provenance).toBe(
      'fitted: k, g, d by least squares on ln lr over 18 optima (Smith et al. 2023 Figure 3, digitized; F from the ' +
        'NFNet layer count at 224 px, 30k classes); lr0 = 1.6 stated (FACTS.shortRunLearningRate); grid factor 2 ' +
        'stated (FACTS.learningRateGridFactor)',
    );
    const squares = law.quality.points.map(
      (p) => Math.log(p.predictedLearningRate / p.observedLearningRate) ** 2,
    );
    expect(law.quality.rmseLog).toBeCloseTo(Math.sqrt(squares.reduce((s, x) => s + x, 0) / 18), 12);
  });

  it('states k so that E0(F) = k F^-g is the onset at the reference size, and is exactly 1.6 before every onset', () => {
    const c = law.coefficients;
    expect(c.onsetCoefficient * c.referenceFlopsPerImage ** -c.onsetFlopsExponent).toBeCloseTo(
      c.onsetEpochsAtReference,
      9,
    );
    expect(predictLearningRate(law, c.referenceFlopsPerImage, c.onsetEpochsAtReference / 2)).toBe(1.6);
  });

  it('fits three optima, the fewest it takes, and names a bad point’s field', () => {
    const three = FIGURE3_OPTIMAL_LEARNING_RATE.slice(0, 3);
    expect(fitLearningRateLaw(three).quality.n).toBe(3);
    const bad = (i: number, point: Partial<Figure3Point>) =>
      FIGURE3_OPTIMAL_LEARNING_RATE.map((p, j) => (j === i ? { ...p, ...point } : p));
    expect(refusalOf(() => fitLearningRateLaw(bad(1, { epochs: 0 })))).toEqual([
      'points[1].epochs',
      'points[1].epochs must be a positive finite number; got 0',
    ]);
    expect(refusalOf(() => fitLearningRateLaw(bad(2, { optimalLearningRate: -1 })))).toEqual([
      'points[2].optimalLearningRate',
      'points[2].optimalLearningRate must be a positive finite number; got -1',
    ]);
    expect(refusalOf(() => fitLearningRateLaw(FIGURE3_OPTIMAL_LEARNING_RATE.slice(0, 2)))).toEqual([
      'points',
      'the learning-rate law needs three or more (model, epochs) optima',
    ]);
  });
});
