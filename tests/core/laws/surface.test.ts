import { beforeEach, describe, expect, it } from 'vitest';
import { PlannerInputError } from '../../../src/core/errors.js';
import {
  checkWeights,
  fitSurface,
  fitSurfaceParameters,
  leaveOneGroupOut,
  predictSurface,
  prepareSurfaceObservations,
  refitSurfaceFrom,
  type SurfaceCoefficients,
  type SurfaceObservation,
  type SurfaceParameters,
  surfaceBounds,
  surfaceCoefficientsOf,
  surfaceFitQuality,
  surfaceObjective,
  surfaceParametersOf,
  surfaceStarts,
} from '../../../src/core/laws/surface.js';
import { refusalOf } from '../thrown.js';

/** Noise-free observations of a known surface on a grid of F and D: the fit must give the coefficients back. */
function synthetic(c: SurfaceCoefficients, flops: number[], images: number[]): SurfaceObservation[] {
  const out: SurfaceObservation[] = [];
  for (const [k, F] of flops.entries())
    for (const D of images)
      out.push({
        flopsPerImage: F,
        imagesSeen: D,
        value: c.E + c.A / F ** c.alpha + c.B / D ** c.beta,
        group: `m${k}`,
      });
  return out;
}

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tolerance);
}

const LOSS_LIKE: SurfaceCoefficients = { E: 1.5, A: 3000, alpha: 0.3, B: 2000, beta: 0.35 };
const NFNET_FLOPS = [1e10, 3e10, 1e11, 3e11, 1e12];
const IMAGES = [1e9, 4e9, 1.6e10, 6.4e10];

describe('predictSurface', () => {
  it('evaluates E + A / F^alpha + B / D^beta (hand-worked: 1 + 8/8^(1/3) + 9/9^(1/2) = 1 + 4 + 3)', () => {
    expect(predictSurface({ E: 1, A: 8, alpha: 1 / 3, B: 9, beta: 0.5 }, 8, 9)).toBeCloseTo(8, 12);
  });
});

describe('fitSurface on synthetic data with known coefficients', () => {
  it('recovers E=1.5, A=3000, alpha=0.3, B=2000, beta=0.35 to 1e-4 relative', () => {
    const { coefficients, quality } = fitSurface(synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES));
    for (const key of ['E', 'A', 'alpha', 'B', 'beta'] as const)
      expectRelative(coefficients[key], LOSS_LIKE[key], 1e-4);
    expect(quality.rmseRelative).toBeLessThan(1e-8);
    expect(quality.r2Log).toBeCloseTo(1, 10);
  });

  it('recovers an error-percent-like surface (E=7, A=3e4, alpha=0.4, B=3500, beta=0.33) to 1e-4 relative', () => {
    const truth: SurfaceCoefficients = { E: 7, A: 3e4, alpha: 0.4, B: 3500, beta: 0.33 };
    const data = synthetic(
      truth,
      [2e10, 3.5e10, 6.7e10, 1.1e11, 1.3e11, 2.2e11],
      [1e9, 2e9, 4e9, 8e9, 1.6e10, 3.2e10],
    );
    const { coefficients } = fitSurface(data);
    for (const key of ['E', 'A', 'alpha', 'B', 'beta'] as const)
      expectRelative(coefficients[key], truth[key], 1e-4);
  });

  it('gives bit-identical coefficients for the same input', () => {
    const data = synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES).map((o, i) => ({
      ...o,
      value: o.value * (1 + 0.003 * Math.sin(i)),
    }));
    expect(fitSurface(data)).toEqual(fitSurface(data));
  });

  it('predicts a held-out model of noise-free data exactly (leave-one-group-out)', () => {
    const holdouts = leaveOneGroupOut(synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES));
    expect(holdouts.map((h) => h.heldOut)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    for (const h of holdouts) {
      expect(h.heldOutQuality.n).toBe(IMAGES.length);
      expect(h.heldOutQuality.maxRelativeError).toBeLessThan(1e-6);
    }
  });
});

describe('surfaceFitQuality', () => {
  it('matches hand-worked figures for two points, one 10% high', () => {
    // Constant surface L = 2 (A = B = 0). Observations 2 and 2/1.1: relative errors 0 and 0.1.
    const c: SurfaceCoefficients = { E: 2, A: 0, alpha: 1, B: 0, beta: 1 };
    const q = surfaceFitQuality(c, [
      { flopsPerImage: 1, imagesSeen: 1, value: 2 },
      { flopsPerImage: 1, imagesSeen: 1, value: 2 / 1.1 },
    ]);
    expect(q.n).toBe(2);
    expect(q.rmseRelative).toBeCloseTo(Math.sqrt(0.01 / 2), 12);
    expect(q.maxRelativeError).toBeCloseTo(0.1, 12);
    // Predictions are constant, so R^2 of ln value is 1 - SS_res / SS_tot = 1 - (ln 1.1)^2 / ((ln 1.1)^2 / 2) = -1.
    expect(q.r2Log).toBeCloseTo(-1, 12);
  });
});

describe('fitSurface input checks', () => {
  it('needs at least five observations for five coefficients: four throw', () => {
    const four = synthetic(LOSS_LIKE, [1e10], IMAGES);
    expect(four).toHaveLength(4);
    expect(() => fitSurface(four)).toThrow(expect.objectContaining({ field: 'observations' }));
  });

  it('accepts five observations and reproduces them (oracle: noise-free points of a known surface)', () => {
    // Five points off any grid, so that the known coefficients are the only exact fit nearby.
    const five = [
      [1e10, 1e9],
      [3e10, 8e9],
      [1e11, 2e9],
      [3e11, 3e10],
      [1e12, 5e9],
    ].map(([F, D]) => ({
      flopsPerImage: F as number,
      imagesSeen: D as number,
      value: predictSurface(LOSS_LIKE, F as number, D as number),
    }));
    const { quality } = fitSurface(five);
    expect(quality.n).toBe(5);
    expect(quality.maxRelativeError).toBeLessThan(1e-4);
  });

  it('names the offending observation when a value is not positive', () => {
    const data = synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES);
    data[3] = { ...(data[3] as SurfaceObservation), value: 0 };
    expect(() => fitSurface(data)).toThrow(expect.objectContaining({ field: 'observations[3].value' }));
  });

  it('needs groups for leave-one-group-out', () => {
    const data = synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES).map(({ group: _, ...o }) => o);
    expect(() => leaveOneGroupOut(data)).toThrow(PlannerInputError);
  });
});

/** Synthetic loss-like data with a few tenths of a percent of deterministic noise, so the optimum is not exact. */
const NOISY = synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES).map((o, i) => ({
  ...o,
  value: o.value * (1 + 0.003 * Math.sin(i)),
}));
let PREPARED: ReturnType<typeof prepareSurfaceObservations>;
beforeEach(() => {
  PREPARED = prepareSurfaceObservations(NOISY);
});
const ONES = new Float64Array(NOISY.length).fill(1);
const KEYS = ['E', 'A', 'B', 'alpha', 'beta'] as const;

function expectSameCoefficients(
  actual: SurfaceCoefficients,
  expected: SurfaceCoefficients,
  tolerance: number,
) {
  for (const key of KEYS) expectRelative(actual[key], expected[key], tolerance);
}

describe('surfaceObjective with weights', () => {
  const theta = Float64Array.from([0.3, 1.2, 1.0, 0.35, 0.3]);

  it('weighting a point by 2 is listing it twice, and by 0 dropping it (oracle: the objective on that data)', () => {
    const weights = Float64Array.from(ONES);
    weights[4] = 2;
    weights[11] = 0;
    const edited = [...NOISY.filter((_, i) => i !== 11), NOISY[4] as SurfaceObservation];
    const gradient = new Float64Array(5);
    const gradientEdited = new Float64Array(5);
    const value = surfaceObjective(PREPARED, weights)(theta, gradient);
    const valueEdited = surfaceObjective(prepareSurfaceObservations(edited))(theta, gradientEdited);
    expectRelative(value, valueEdited, 1e-12);
    for (let k = 0; k < 5; k++) expectRelative(gradient[k] as number, gradientEdited[k] as number, 1e-10);
  });

  it('returns the gradient of its value (oracle: central finite differences)', () => {
    const weights = Float64Array.from(ONES, (_, i) => 1 + (i % 3));
    const objective = surfaceObjective(PREPARED, weights);
    const gradient = new Float64Array(5);
    objective(theta, gradient);
    const scratch = new Float64Array(5);
    const h = 1e-6;
    for (let k = 0; k < 5; k++) {
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[k] = (up[k] as number) + h;
      down[k] = (down[k] as number) - h;
      const numeric = (objective(up, scratch) - objective(down, scratch)) / (2 * h);
      expectRelative(gradient[k] as number, numeric, 1e-5);
    }
  });

  it('rejects weights that do not match the observations one for one, negative weights, and all zeros', () => {
    expect(() => surfaceObjective(PREPARED, new Float64Array(3).fill(1))).toThrow(PlannerInputError);
    expect(() =>
      surfaceObjective(
        PREPARED,
        Float64Array.from(ONES, (w, i) => (i === 2 ? -1 : w)),
      ),
    ).toThrow(expect.objectContaining({ field: 'weights' }));
    expect(() => surfaceObjective(PREPARED, new Float64Array(NOISY.length))).toThrow(PlannerInputError);
  });
});

describe('surfaceStarts and surfaceBounds', () => {
  it('puts every start inside the box, weighted or not (invariant)', () => {
    const weights = Float64Array.from(ONES, (_, i) => i % 4);
    for (const w of [ONES, weights]) {
      const { lower, upper } = surfaceBounds(PREPARED, w);
      for (const start of surfaceStarts(PREPARED, w))
        start.forEach((x, k) => {
          expect(x).toBeGreaterThanOrEqual(lower?.[k] as number);
          expect(x).toBeLessThanOrEqual(upper?.[k] as number);
        });
    }
  });
});

describe('surfaceCoefficientsOf', () => {
  it('converts from GFLOPs and billions of images (hand-worked: A = 2 x (1e9)^0.5, B = 3 x (1e9)^0.25)', () => {
    const c = surfaceCoefficientsOf([0, Math.log(2), Math.log(3), 0.5, 0.25]);
    expect(c.E).toBe(1);
    expectRelative(c.A, 2 * Math.sqrt(1e9), 1e-14);
    expectRelative(c.B, 3 * 1e9 ** 0.25, 1e-14);
    expect([c.alpha, c.beta]).toEqual([0.5, 0.25]);
  });
});

describe('weighted and warm-started fits', () => {
  it('weighting a point by 2 fits as if it were listed twice (oracle: fitSurface on the duplicated data)', () => {
    const weights = Float64Array.from(ONES);
    weights[4] = 2;
    weights[11] = 0;
    const edited = [...NOISY.filter((_, i) => i !== 11), NOISY[4] as SurfaceObservation];
    const ours = surfaceCoefficientsOf(fitSurfaceParameters(PREPARED, weights).theta);
    expectSameCoefficients(ours, fitSurface(edited).coefficients, 1e-6);
  });

  it('a warm start at the optimum stays there (oracle: the multi-start optimum)', () => {
    const full = fitSurfaceParameters(PREPARED);
    const again = refitSurfaceFrom(full.theta, PREPARED);
    expect(again.startsTried).toBe(1);
    expect(again.objective).toBeLessThanOrEqual(full.objective);
    expectSameCoefficients(surfaceCoefficientsOf(again.theta), surfaceCoefficientsOf(full.theta), 1e-9);
  });

  it('warm-started from the full optimum, a reweighted sample reaches the cold multi-start fit', () => {
    const full = fitSurfaceParameters(PREPARED).theta;
    const weights = Float64Array.from(ONES, (_, i) => (i % 3 === 0 ? 2 : i % 3 === 1 ? 1 : 0));
    const warm = refitSurfaceFrom(full, PREPARED, weights);
    const cold = fitSurfaceParameters(PREPARED, weights);
    expectSameCoefficients(surfaceCoefficientsOf(warm.theta), surfaceCoefficientsOf(cold.theta), 1e-4);
  });

  it('recovers known coefficients from a start far from them (oracle: noise-free synthetic data)', () => {
    const exact = prepareSurfaceObservations(synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES));
    const start: SurfaceParameters = [0, 2, 2, 0.6, 0.6];
    expectSameCoefficients(surfaceCoefficientsOf(refitSurfaceFrom(start, exact).theta), LOSS_LIKE, 1e-4);
  });
});

describe('the surface’s pieces at their edges (oracle: the definitions, and each refusal as stated)', () => {
  it('turns coefficients into parameters and back (the inverse of surfaceCoefficientsOf)', () => {
    const back = surfaceCoefficientsOf(surfaceParametersOf(LOSS_LIKE));
    for (const key of ['E', 'A', 'B', 'alpha', 'beta'] as const)
      expectRelative(back[key], LOSS_LIKE[key], 1e-12);
  });

  it('leaves each group out in turn: each fold is the fit to the other groups, judged on the group alone', () => {
    const observations = synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES).map((o, i) => ({
      ...o,
      value: o.value * (1 + 0.004 * Math.sin(2.3 * i)),
      group: `F${NFNET_FLOPS.indexOf(o.flopsPerImage)}`,
    }));
    const folds = leaveOneGroupOut(observations);
    expect(folds.map((f) => f.heldOut)).toEqual(['F0', 'F1', 'F2', 'F3', 'F4']);
    for (const fold of folds) {
      const others = observations.filter((o) => o.group !== fold.heldOut);
      expect(fold.coefficients).toEqual(fitSurface(others).coefficients);
      expect(fold.heldOutQuality.n).toBe(IMAGES.length);
    }
    const ungrouped = observations.map((o, i) => (i === 5 ? { ...o, group: undefined } : o));
    expect(refusalOf(() => leaveOneGroupOut(ungrouped))).toEqual([
      'observations',
      'every observation needs a group for leave-one-group-out',
    ]);
  });

  it('refuses too few observations and a value that is not positive, naming which', () => {
    const four = synthetic(LOSS_LIKE, [1e10, 1e11], [1e9, 1e10]);
    expect(refusalOf(() => fitSurface(four))).toEqual([
      'observations',
      'a five-coefficient surface needs at least 5 observations; got 4',
    ]);
    const observations = synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES);
    const zero = observations.map((o, i) => (i === 2 ? { ...o, value: 0 } : o));
    expect(refusalOf(() => fitSurface(zero))).toEqual([
      'observations[2].value',
      'must be a positive finite number; got 0',
    ]);
  });

  it('refuses weights of the wrong length, negative or not finite, or all zero; takes zeros beside a positive one', () => {
    const data = prepareSurfaceObservations(synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES));
    const n = data.n;
    expect(refusalOf(() => checkWeights(data, new Float64Array(n - 1).fill(1)))).toEqual([
      'weights',
      `need one weight per observation (${n}); got ${n - 1}`,
    ]);
    const withValue = (v: number) => Float64Array.from({ length: n }, (_, i) => (i === 3 ? v : 1));
    expect(refusalOf(() => checkWeights(data, withValue(-1)))).toEqual([
      'weights',
      'weights must be finite and non-negative; got -1',
    ]);
    expect(refusalOf(() => checkWeights(data, withValue(Number.NaN)))).toEqual([
      'weights',
      'weights must be finite and non-negative; got NaN',
    ]);
    expect(refusalOf(() => checkWeights(data, new Float64Array(n)))).toEqual([
      'weights',
      'at least one weight must be positive',
    ]);
    const one = new Float64Array(n);
    one[7] = 1;
    expect(() => checkWeights(data, one)).not.toThrow();
    expect(refusalOf(() => surfaceObjective(data, new Float64Array(n)))).toEqual([
      'weights',
      'at least one weight must be positive',
    ]);
  });

  it('gives R^2 of 1 when every value is the same (no variance to explain), whatever the fit', () => {
    const flat = synthetic(LOSS_LIKE, NFNET_FLOPS, IMAGES).map((o) => ({ ...o, value: 2 }));
    expect(surfaceFitQuality(LOSS_LIKE, flat).r2Log).toBe(1);
  });
});
