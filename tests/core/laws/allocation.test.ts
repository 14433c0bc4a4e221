import { describe, expect, it } from 'vitest';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import {
  bestCandidateAtBudget,
  type CostPowerLaw,
  equalRateAllocation,
  fittedAllocation,
  fittedAllocationExponents,
} from '../../../src/core/laws/allocation.js';
import { predictSurface, type SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import { refusalOf, thrownBy } from '../thrown.js';

const JFT = 4e9;

describe('equalRateAllocation (the paper’s rule)', () => {
  it('gives 1 epoch at 5000 core hours (stated anchor)', () => {
    const a = equalRateAllocation(5000);
    expect(a.epochs).toBe(1);
    expect(a.costPerEpochTpuV4CoreHours).toBe(5000);
  });

  it('hand-worked: 20000 core hours -> sqrt(4) = 2 epochs of 10000 core hours each', () => {
    const a = equalRateAllocation(20_000);
    expect(a.epochs).toBeCloseTo(2, 12);
    expect(a.costPerEpochTpuV4CoreHours).toBeCloseTo(10_000, 8);
    expect(a.exponents).toEqual({ epochs: 0.5, costPerEpoch: 0.5 });
  });

  it('rejects a budget that is not a positive number', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => equalRateAllocation(bad)).toThrow(PlannerInputError);
  });
});

/**
 * Brute force, independent of the closed form: on the budget line D = N C / (c F^g), scan ln F on a fine grid and
 * refine the best cell by golden-section search.
 */
function bruteForceOptimalFlops(s: SurfaceCoefficients, cost: CostPowerLaw, budget: number): number {
  const lossAt = (lnF: number) => {
    const F = Math.exp(lnF);
    return predictSurface(s, F, (JFT * budget) / (cost.coefficient * F ** cost.exponent));
  };
  const lo = Math.log(1e6);
  const hi = Math.log(1e16);
  const steps = 20_000;
  let bestK = 0;
  for (let k = 1; k <= steps; k++)
    if (lossAt(lo + ((hi - lo) * k) / steps) < lossAt(lo + ((hi - lo) * bestK) / steps)) bestK = k;
  let a = lo + ((hi - lo) * (bestK - 1)) / steps;
  let b = lo + ((hi - lo) * (bestK + 1)) / steps;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 100; i++) {
    const x1 = b - phi * (b - a);
    const x2 = a + phi * (b - a);
    if (lossAt(x1) < lossAt(x2)) b = x2;
    else a = x1;
  }
  return Math.exp((a + b) / 2);
}

describe('fittedAllocation against brute-force minimisation', () => {
  const surface: SurfaceCoefficients = { E: 2, A: 7.5e4, alpha: 0.52, B: 330, beta: 0.3 };
  // A cost exponent away from 1 separates beta / (alpha + g beta) from look-alike formulas such as beta / (alpha g + beta).
  const cost: CostPowerLaw = { coefficient: 1.6e-6, exponent: 0.875 };

  it('puts the continuous optimum where a fine grid search finds it, at several budgets', () => {
    for (const budget of [1e3, 2e4, 1e6]) {
      const a = fittedAllocation(surface, cost, budget);
      expect(Math.abs(a.flopsPerImage / bruteForceOptimalFlops(surface, cost, budget) - 1)).toBeLessThan(
        1e-5,
      );
      // The optimum spends exactly the budget.
      expect(a.epochs * a.costPerEpochTpuV4CoreHours).toBeCloseTo(budget, 6);
      expect(a.predictedValue).toBeCloseTo(predictSurface(surface, a.flopsPerImage, a.imagesSeen), 12);
    }
  });

  it('has closed-form exponents equal to the slopes of the brute-force optimum across budgets', () => {
    const [c1, c2] = [1e3, 1e6];
    const slope =
      Math.log(bruteForceOptimalFlops(surface, cost, c2) / bruteForceOptimalFlops(surface, cost, c1)) /
      Math.log(c2 / c1);
    const e = fittedAllocationExponents(surface, cost);
    expect(e.flopsPerImage).toBeCloseTo(slope, 5);
    expect(e.flopsPerImage).toBeCloseTo(0.3 / (0.52 + 0.875 * 0.3), 12);
    expect(e.costPerEpoch).toBeCloseTo(0.875 * e.flopsPerImage, 12);
    // Cost per epoch times epochs is the budget, so their exponents add up to 1.
    expect(e.costPerEpoch + e.epochs).toBeCloseTo(1, 12);
  });

  it('reduces to Chinchilla’s beta / (alpha + beta) when cost is linear in FLOPs', () => {
    const e = fittedAllocationExponents({ alpha: 0.34, beta: 0.28 }, { coefficient: 1, exponent: 1 });
    expect(e.flopsPerImage).toBeCloseTo(0.28 / 0.62, 12);
    expect(e.epochs).toBeCloseTo(0.34 / 0.62, 12);
  });

  it('counts epochs of the given dataset but spends the same images (per-image cost is dataset-independent)', () => {
    const jft = fittedAllocation(surface, cost, 2e4);
    const half = fittedAllocation(surface, cost, 2e4, 2e9);
    expect(half.flopsPerImage).toBe(jft.flopsPerImage);
    expect(half.imagesSeen).toBe(jft.imagesSeen);
    expect(half.epochs).toBeCloseTo(2 * jft.epochs, 12);
  });

  it('refuses a surface with no trade-off', () => {
    expect(() => fittedAllocation({ ...surface, alpha: 0 }, cost, 1e4)).toThrow(InfeasibleError);
    expect(() => fittedAllocation(surface, cost, -5)).toThrow(PlannerInputError);
  });
});

describe('bestCandidateAtBudget', () => {
  const surface: SurfaceCoefficients = { E: 1, A: 100, alpha: 0.2, B: 100, beta: 0.2 };
  const candidates = [
    { variant: 'small', flopsPerImage: 1e10, costPerEpochTpuV4CoreHours: 1000 },
    { variant: 'large', flopsPerImage: 1e11, costPerEpochTpuV4CoreHours: 10_000 },
  ];

  it('spends the budget on each candidate and keeps the lower prediction (hand-worked)', () => {
    // At 10,000 core hours: small trains 10 epochs (outside 0.25..8), large 1 epoch. Only large is eligible.
    const choice = bestCandidateAtBudget(surface, candidates, 10_000);
    expect(choice.variant).toBe('large');
    expect(choice.epochs).toBe(1);
    // At 5,000: small trains 5 epochs (2e10 images), large 0.5 epochs (2e9 images).
    // small: 1 + 100 / 1e10^0.2 + 100 / 2e10^0.2 = 1 + 1 + 0.8706 = 2.8706
    // large: 1 + 100 / 1e11^0.2 + 100 / 2e9^0.2 = 1 + 0.6310 + 1.3797 = 3.0107
    const pick = bestCandidateAtBudget(surface, candidates, 5000);
    expect(pick.variant).toBe('small');
    expect(pick.epochs).toBe(5);
    expect(pick.predictedValue).toBeCloseTo(2.8706, 4);
  });

  it('throws InfeasibleError when no candidate trains within the studied epochs', () => {
    expect(() => bestCandidateAtBudget(surface, candidates, 100)).toThrow(InfeasibleError);
  });
});

describe('fittedAllocation: what the optimum spends, and what it refuses (oracle: the budget line by hand)', () => {
  const surface: SurfaceCoefficients = { E: 2, A: 7.5e4, alpha: 0.52, B: 330, beta: 0.3 };
  const cost: CostPowerLaw = { coefficient: 1.6e-6, exponent: 0.875 };

  it('costs c F^g per JFT-4B epoch and sees N C / (c F^g) images, the lowest loss on the budget line', () => {
    const budget = 2e4;
    const a = fittedAllocation(surface, cost, budget);
    expect(a.rule).toBe('fitted');
    const epochCost = cost.coefficient * a.flopsPerImage ** cost.exponent;
    expect(a.costPerEpochTpuV4CoreHours / epochCost - 1).toBeCloseTo(0, 12);
    expect(a.imagesSeen / ((JFT * budget) / epochCost) - 1).toBeCloseTo(0, 12);
    // Brute force: the loss at the grid-searched optimum of the budget line, which no other F on it beats.
    const F = bruteForceOptimalFlops(surface, cost, budget);
    const lineLoss = predictSurface(surface, F, (JFT * budget) / (cost.coefficient * F ** cost.exponent));
    expect(a.predictedValue).toBeCloseTo(lineLoss, 9);
  });

  it('prices an epoch of another dataset by its images: half of JFT-4B costs half as much per epoch', () => {
    const jft = fittedAllocation(surface, cost, 2e4);
    const half = fittedAllocation(surface, cost, 2e4, 2e9);
    expect(half.costPerEpochTpuV4CoreHours / jft.costPerEpochTpuV4CoreHours).toBeCloseTo(0.5, 12);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses datasetImages %s, naming it', (images) => {
    expect(refusalOf(() => fittedAllocation(surface, cost, 2e4, images))).toEqual([
      'datasetImages',
      `datasetImages must be a positive number; got ${images}`,
    ]);
  });

  it('refuses an optimum out of numeric range: alpha 1e-300 puts F* at exp(-2,600), which is 0', () => {
    const error = thrownBy(() => fittedAllocation({ ...surface, alpha: 1e-300 }, cost, 1e4));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect((error as InfeasibleError).detail).toEqual({ field: 'flopsPerImage' });
    expect((error as Error).message).toBe(
      'the fitted allocation for 10000 TPU-v4 core hours is out of numeric range',
    );
  });

  it.each([
    ['alpha', { ...surface, alpha: 0 }, cost],
    ['beta', { ...surface, beta: 0 }, cost],
    ['the cost exponent', surface, { ...cost, exponent: 0 }],
    ['the cost coefficient', surface, { ...cost, coefficient: 0 }],
  ])('has no optimum, and says why, when %s is 0', (_name, s, c) => {
    for (const run of [() => fittedAllocationExponents(s, c), () => fittedAllocation(s, c, 1e4)]) {
      const error = thrownBy(run);
      expect(error).toBeInstanceOf(InfeasibleError);
      expect((error as Error).message).toBe(
        'a compute-optimal allocation needs positive surface exponents alpha, beta and a cost that grows with model size',
      );
      expect((error as InfeasibleError).detail).toEqual({
        alpha: s.alpha,
        beta: s.beta,
        costExponent: c.exponent,
      });
    }
  });

  it('states the equal-rate rule by name and refuses a budget naming tpuV4CoreHours', () => {
    expect(equalRateAllocation(5000).rule).toBe('equal_rate');
    expect(refusalOf(() => equalRateAllocation(-2))).toEqual([
      'tpuV4CoreHours',
      'the budget must be a positive number of TPU-v4 core hours; got -2',
    ]);
  });
});

describe('bestCandidateAtBudget at its edges (oracle: hand-worked epochs)', () => {
  const surface: SurfaceCoefficients = { E: 1, A: 100, alpha: 0.2, B: 100, beta: 0.2 };

  it('keeps candidates at exactly the range’s ends (0.25 and 8 epochs) and refuses a budget that is not positive', () => {
    const atMax = [{ variant: 'eight', flopsPerImage: 1e10, costPerEpochTpuV4CoreHours: 1000 }];
    expect(bestCandidateAtBudget(surface, atMax, 8000).epochs).toBe(8);
    const atMin = [{ variant: 'quarter', flopsPerImage: 1e10, costPerEpochTpuV4CoreHours: 32_000 }];
    expect(bestCandidateAtBudget(surface, atMin, 8000).epochs).toBe(0.25);
    expect(() => bestCandidateAtBudget(surface, atMax, 0)).toThrow(PlannerInputError);
  });

  it('gives a tie to the first candidate', () => {
    const twins = [
      { variant: 'first', flopsPerImage: 1e10, costPerEpochTpuV4CoreHours: 1000 },
      { variant: 'second', flopsPerImage: 1e10, costPerEpochTpuV4CoreHours: 1000 },
    ];
    expect(bestCandidateAtBudget(surface, twins, 4000).variant).toBe('first');
  });

  it('says which range and budget left no candidate', () => {
    const one = [{ variant: 'x', flopsPerImage: 1e10, costPerEpochTpuV4CoreHours: 1000 }];
    const error = thrownBy(() => bestCandidateAtBudget(surface, one, 100));
    expect(error.message).toBe(
      'no candidate model trains between 0.25 and 8 epochs on 100 TPU-v4 core hours',
    );
    expect((error as InfeasibleError).detail).toEqual({ tpuV4CoreHours: 100, minEpochs: 0.25, maxEpochs: 8 });
  });
});
