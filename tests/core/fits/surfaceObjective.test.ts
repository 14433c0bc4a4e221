import { describe, expect, it } from 'vitest';
import {
  coefficientsOf,
  fitSurfaceParameters,
  prepareObservations,
  refitSurfaceParameters,
} from '../../../src/core/fits/surfaceObjective.js';
import { jftLossObservations } from '../../../src/core/laws/lossLaw.js';
import { fitSurface } from '../../../src/core/laws/surface.js';

const observations = jftLossObservations();
const data = prepareObservations(observations);
const ones = new Float64Array(observations.length).fill(1);

describe('weighted surface fit', () => {
  it('with unit weights is fitSurface, bit for bit (oracle: ../laws/surface.ts)', () => {
    const fit = fitSurfaceParameters(data, ones);
    const reference = fitSurface(observations);
    expect(coefficientsOf(fit.theta)).toEqual(reference.coefficients);
    expect(fit.objective).toBe(reference.method.objective);
  });

  it('weighting a run by 2 fits as if it were listed twice (oracle: fitSurface on the duplicated data)', () => {
    const weights = Float64Array.from(ones);
    weights[4] = 2;
    weights[20] = 0;
    const duplicated = [...observations.filter((_, i) => i !== 20), observations[4]] as typeof observations;
    const ours = coefficientsOf(fitSurfaceParameters(data, weights).theta);
    const reference = fitSurface(duplicated).coefficients;
    for (const key of ['E', 'A', 'B', 'alpha', 'beta'] as const)
      expect(Math.abs(ours[key] / reference[key] - 1)).toBeLessThan(1e-6);
  });

  it('a warm start at the optimum stays there; a warm start from it on reweighted data matches a cold fit', () => {
    const full = fitSurfaceParameters(data, ones);
    const again = refitSurfaceParameters(data, ones, full.theta);
    expect(again.objective).toBeLessThanOrEqual(full.objective);
    const weights = Float64Array.from(ones, (_, i) => (i % 3 === 0 ? 2 : i % 3 === 1 ? 1 : 0));
    const warm = coefficientsOf(refitSurfaceParameters(data, weights, full.theta).theta);
    const cold = coefficientsOf(fitSurfaceParameters(data, weights).theta);
    for (const key of ['E', 'A', 'B', 'alpha', 'beta'] as const)
      expect(Math.abs(warm[key] / cold[key] - 1)).toBeLessThan(1e-4);
  });
});
