import { describe, expect, it } from 'vitest';
import { huber, huberDerivative } from '../../../src/core/numeric/huber.js';
import {
  gridOfStarts,
  minimizeBoxLbfgs,
  minimizeFromStarts,
  type ObjectiveWithGradient,
} from '../../../src/core/numeric/lbfgs.js';

// Oracle: the Rosenbrock function (a, b) = (1, 100) has its unique minimum 0 at (1, 1).
const rosenbrock: ObjectiveWithGradient = (x, g) => {
  const [a, b] = [x[0] as number, x[1] as number];
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

// Oracle: a separable quadratic sum w_i (x_i - c_i)^2; inside a box its minimum is c clipped to the box, coordinate-wise.
function quadratic(centre: number[], weights: number[]): ObjectiveWithGradient {
  return (x, g) => {
    let f = 0;
    for (let i = 0; i < centre.length; i++) {
      const d = (x[i] as number) - (centre[i] as number);
      f += (weights[i] as number) * d * d;
      g[i] = 2 * (weights[i] as number) * d;
    }
    return f;
  };
}

describe('minimizeBoxLbfgs', () => {
  it('finds the Rosenbrock minimum (1, 1) from the textbook start (-1.2, 1)', () => {
    const result = minimizeBoxLbfgs(rosenbrock, [-1.2, 1]);
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(1, 8);
    expect(result.value).toBeLessThan(1e-16);
  });

  it('finds the Rosenbrock minimum when the box contains it', () => {
    const result = minimizeBoxLbfgs(rosenbrock, [-1.2, 1], { lower: [-2, -2], upper: [2, 2] });
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(1, 8);
  });

  it('stops on the bound when the Rosenbrock minimum lies outside the box', () => {
    // Oracle by hand: with a <= 0.5, f(0.5, b) is minimised at b = a^2 = 0.25 and df/da < 0 there, so the
    // constrained minimum is (0.5, 0.25) with value (1 - 0.5)^2 = 0.25.
    const result = minimizeBoxLbfgs(rosenbrock, [-1.2, 1], { upper: [0.5, 10] });
    expect(result.x[0]).toBe(0.5);
    expect(result.x[1]).toBeCloseTo(0.25, 8);
    expect(result.value).toBeCloseTo(0.25, 12);
  });

  it('solves a badly scaled bounded quadratic: the centre clipped to the box', () => {
    const centre = [3, -2, 0.5, 10, -7];
    const weights = [1, 1e3, 1e-2, 5, 0.3];
    const lower = [-1, -1, -1, -1, -1];
    const upper = [1, 1, 1, 1, 1];
    const result = minimizeBoxLbfgs(quadratic(centre, weights), [0, 0, 0, 0, 0], { lower, upper });
    expect(result.x[0]).toBe(1);
    expect(result.x[1]).toBe(-1);
    expect(result.x[2]).toBeCloseTo(0.5, 8);
    expect(result.x[3]).toBe(1);
    expect(result.x[4]).toBe(-1);
    expect(result.stop).not.toBe('max_iterations');
  });

  it('clips a start outside the box before it begins', () => {
    const result = minimizeBoxLbfgs(quadratic([0], [1]), [50], { lower: [2], upper: [4] });
    expect(result.x[0]).toBe(2);
  });

  it('gives bit-identical results for the same input', () => {
    const run = () => minimizeBoxLbfgs(rosenbrock, [-1.2, 1], { upper: [0.9, 3], maxIterations: 37 });
    const first = run();
    const second = run();
    expect(second.x).toEqual(first.x);
    expect(Object.is(second.value, first.value)).toBe(true);
    expect(second.evaluations).toBe(first.evaluations);
  });

  it('rejects an empty box', () => {
    expect(() => minimizeBoxLbfgs(quadratic([0], [1]), [0], { lower: [1], upper: [0] })).toThrow(RangeError);
  });
});

describe('minimizeFromStarts', () => {
  // Oracle: f(x) = (x^2 - 1)^2 + 0.3 x has two basins; the global minimum is in the negative one (f(-1) < 0 < f(1)).
  const doubleWell: ObjectiveWithGradient = (x, g) => {
    const v = x[0] as number;
    g[0] = 4 * v * (v * v - 1) + 0.3;
    return (v * v - 1) ** 2 + 0.3 * v;
  };

  it('keeps the best of the starts', () => {
    const result = minimizeFromStarts(doubleWell, [[2], [-2]]);
    expect(result.bestStart).toBe(1);
    expect(result.x[0]).toBeLessThan(-1);
    // Oracle: the stationary point satisfies 4x(x^2 - 1) = -0.3.
    const v = result.x[0] as number;
    expect(4 * v * (v * v - 1) + 0.3).toBeCloseTo(0, 9);
  });

  it('builds the full grid of starts, first axis slowest', () => {
    expect(
      gridOfStarts([
        [1, 2],
        [10, 20, 30],
      ]),
    ).toEqual([
      [1, 10],
      [1, 20],
      [1, 30],
      [2, 10],
      [2, 20],
      [2, 30],
    ]);
  });
});

describe('huber', () => {
  it('is r^2 / 2 inside delta and delta (|r| - delta / 2) outside (definition, Huber 1964)', () => {
    expect(huber(0.5e-3, 1e-3)).toBeCloseTo(0.125e-6, 18);
    expect(huber(-3e-3, 1e-3)).toBeCloseTo(1e-3 * 2.5e-3, 18);
    expect(huberDerivative(-3e-3, 1e-3)).toBe(-1e-3);
    expect(huberDerivative(0.4e-3, 1e-3)).toBe(0.4e-3);
  });

  it('has a derivative that matches a central finite difference', () => {
    for (const r of [-0.01, -0.0011, 0.0007, 0.004]) {
      const h = 1e-7;
      const numeric = (huber(r + h, 1e-3) - huber(r - h, 1e-3)) / (2 * h);
      expect(huberDerivative(r, 1e-3)).toBeCloseTo(numeric, 9);
    }
  });
});
