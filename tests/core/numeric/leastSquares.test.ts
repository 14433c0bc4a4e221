/**
 * Least squares on a line and a power law (leastSquares.ts), and the Huber loss (huber.ts). Oracles: sums worked by
 * hand on three points, a power law recovered exactly from its own values, and Huber's definition at and around delta
 * (Huber 1964: quadratic within delta, linear beyond, the two meeting at |r| = delta).
 */
import { describe, expect, it } from 'vitest';
import { huber, huberDerivative } from '../../../src/core/numeric/huber.js';
import { evaluatePowerLaw, fitLine, fitPowerLaw } from '../../../src/core/numeric/leastSquares.js';
import { thrownBy } from '../thrown.js';

describe('fitLine (hand-worked)', () => {
  it('(1, 1), (2, 3), (3, 2): slope 1/2, intercept 1, R^2 1 - 1.5 / 2 = 0.25', () => {
    // Means 2 and 2; Sxx = 2, Sxy = 1, Syy = 2; residual sum of squares Syy - slope Sxy = 1.5.
    const fit = fitLine([1, 2, 3], [1, 3, 2]);
    expect(fit.slope).toBeCloseTo(0.5, 15);
    expect(fit.intercept).toBeCloseTo(1, 15);
    expect(fit.r2).toBeCloseTo(0.25, 15);
    expect(fit.n).toBe(3);
  });

  it('gives R^2 of 1 to a line through every point and to constant values', () => {
    expect(fitLine([1, 2, 4], [3, 5, 9]).r2).toBeCloseTo(1, 15);
    expect(fitLine([1, 2, 4], [7, 7, 7])).toEqual({ slope: 0, intercept: 7, r2: 1, n: 3 });
  });

  it('refuses fewer than two pairs, unequal lengths and a single x value, saying which', () => {
    for (const [xs, ys, message] of [
      [[1], [1], 'fitLine needs two or more (x, y) pairs of equal length; got 1'],
      [[1, 2, 3], [1, 2], 'fitLine needs two or more (x, y) pairs of equal length; got 3'],
      [[2, 2, 2], [1, 2, 3], 'fitLine needs at least two distinct x values'],
    ] as const) {
      const error = thrownBy(() => fitLine(xs, ys));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe(message);
    }
  });
});

describe('fitPowerLaw', () => {
  it('recovers y = 3 x^-0.7 from its own values, exactly in logs', () => {
    const xs = [1, 10, 100, 1000];
    const law = fitPowerLaw(
      xs,
      xs.map((x) => 3 * x ** -0.7),
    );
    expect(law.coefficient).toBeCloseTo(3, 12);
    expect(law.exponent).toBeCloseTo(-0.7, 14);
    expect(law.r2Log).toBeCloseTo(1, 14);
    expect(evaluatePowerLaw(law, 50)).toBeCloseTo(3 * 50 ** -0.7, 12);
  });
});

describe('huber and its derivative at and around delta = 0.5', () => {
  it('is r^2 / 2 within delta and delta (|r| - delta / 2) beyond, equal at |r| = delta', () => {
    expect(huber(0.4, 0.5)).toBeCloseTo(0.08, 15);
    expect(huber(-0.5, 0.5)).toBeCloseTo(0.125, 15);
    expect(huber(2, 0.5)).toBeCloseTo(0.875, 15);
    // Just past delta the linear branch; the quadratic one would give 0.5 x 0.5001^2 = 0.12505.
    expect(huber(0.5001, 0.5)).toBeCloseTo(0.5 * (0.5001 - 0.25), 15);
  });

  it('has derivative r within delta and +-delta beyond, delta itself at the edges', () => {
    expect(huberDerivative(0.3, 0.5)).toBe(0.3);
    expect(huberDerivative(0.5, 0.5)).toBe(0.5);
    expect(huberDerivative(-0.5, 0.5)).toBe(-0.5);
    expect(huberDerivative(3, 0.5)).toBe(0.5);
    expect(huberDerivative(-3, 0.5)).toBe(-0.5);
  });
});
