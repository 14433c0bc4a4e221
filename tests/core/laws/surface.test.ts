import { describe, expect, it } from 'vitest';
import { PlannerInputError } from '../../../src/core/errors.js';
import {
  fitSurface,
  leaveOneGroupOut,
  predictSurface,
  type SurfaceCoefficients,
  type SurfaceObservation,
  surfaceFitQuality,
} from '../../../src/core/laws/surface.js';

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
  it('needs at least six observations for five coefficients', () => {
    expect(() => fitSurface(synthetic(LOSS_LIKE, [1e10], IMAGES))).toThrow(PlannerInputError);
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
