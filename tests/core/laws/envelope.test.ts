/**
 * The lower envelope's pieces (envelope.ts): curves built from runs, one curve read at a budget, the lowest curve, and
 * the log grid. Oracles: hand-worked power laws between two runs (the geometric mean halfway in ln C), values that
 * exp(ln v) does not give back exactly (0.1 and 0.3: the envelope must return the run itself), and each refusal's
 * field and message as the module states them.
 */
import { describe, expect, it } from 'vitest';
import {
  buildCurves,
  interpolateCurve,
  logGrid,
  lowerEnvelope,
  lowerEnvelopeAt,
} from '../../../src/core/laws/envelope.js';
import { refusalOf } from '../thrown.js';

const run = (key: string, tpuV4CoreHours: number, value: number, epochs: number) => ({
  key,
  tpuV4CoreHours,
  value,
  epochs,
});

describe('buildCurves', () => {
  it('groups runs by curve in order of first appearance and sorts each by compute', () => {
    const curves = buildCurves([
      run('b', 300, 2, 3),
      run('a', 10, 5, 1),
      run('b', 100, 3, 1),
      run('b', 200, 2.5, 2),
    ]);
    expect(curves.map((c) => c.key)).toEqual(['b', 'a']);
    expect(curves[0]?.points.map((p) => p.tpuV4CoreHours)).toEqual([100, 200, 300]);
    expect(curves[0]?.points[0]).toEqual({ tpuV4CoreHours: 100, value: 3, epochs: 1 });
    expect(curves[1]?.points).toEqual([{ tpuV4CoreHours: 10, value: 5, epochs: 1 }]);
  });

  it('refuses no runs, a run that is not positive, and two runs of one curve at one compute, naming the field', () => {
    expect(refusalOf(() => buildCurves([], 'figure2'))).toEqual([
      'figure2',
      'figure2 must hold at least one measured run',
    ]);
    for (const [field, bad] of [
      ['tpuV4CoreHours', run('a', 0, 1, 1)],
      ['value', run('a', 1, -1, 1)],
      ['epochs', run('a', 1, 1, Number.POSITIVE_INFINITY)],
    ] as const) {
      const got = bad[field];
      expect(refusalOf(() => buildCurves([run('a', 5, 1, 1), bad]))).toEqual([
        `points[1].${field}`,
        `points[1].${field} must be a positive finite number; got ${got}`,
      ]);
    }
    expect(refusalOf(() => buildCurves([run('F3', 5, 1, 1), run('F3', 5, 2, 2)]))).toEqual([
      'points',
      'curve F3 has two runs at the same compute; cannot interpolate',
    ]);
  });
});

describe('interpolateCurve: a power law between neighbouring runs', () => {
  /** Built in each test, not at collection, so that each test exercises buildCurves. */
  const threeRuns = () => {
    const [curve] = buildCurves([
      run('a', 100, 0.3, 1),
      run('a', 10_000, 0.1, 4),
      run('a', 1_000_000, 0.05, 16),
    ]);
    if (curve === undefined) throw new Error('one curve');
    return curve;
  };

  it('halfway in ln C between two runs gives the geometric means of their values and epochs (hand-worked)', () => {
    const curve = threeRuns();
    const at = interpolateCurve(curve, Math.log(1000));
    expect(at?.value).toBeCloseTo(Math.sqrt(0.3 * 0.1), 14);
    expect(at?.epochs).toBeCloseTo(2, 12);
    const second = interpolateCurve(curve, Math.log(100_000));
    expect(second?.value).toBeCloseTo(Math.sqrt(0.1 * 0.05), 14);
    expect(second?.epochs).toBeCloseTo(8, 12);
  });

  it('returns each run itself at its own budget (0.3 and 0.1, which exp(ln v) does not give back)', () => {
    expect(Math.exp(Math.log(0.3))).not.toBe(0.3);
    const curve = threeRuns();
    expect(interpolateCurve(curve, Math.log(100))).toEqual({ value: 0.3, epochs: 1 });
    expect(interpolateCurve(curve, Math.log(10_000))).toEqual({ value: 0.1, epochs: 4 });
    expect(interpolateCurve(curve, Math.log(1_000_000))).toEqual({ value: 0.05, epochs: 16 });
  });

  it('says nothing outside the runs, and a one-run curve only at its own budget', () => {
    const curve = threeRuns();
    expect(interpolateCurve(curve, Math.log(99.9))).toBeNull();
    expect(interpolateCurve(curve, Math.log(1_000_001))).toBeNull();
    const [single] = buildCurves([run('s', 50, 0.1, 2)]);
    if (single === undefined) throw new Error('one curve');
    expect(interpolateCurve(single, Math.log(50))).toEqual({ value: 0.1, epochs: 2 });
    expect(interpolateCurve(single, Math.log(51))).toBeNull();
    expect(interpolateCurve({ key: 'none', points: [] }, 0)).toBeNull();
  });
});

describe('lowerEnvelopeAt and lowerEnvelope', () => {
  it('takes the lowest covering curve, the first on a tie, and leaves out budgets no curve covers', () => {
    const curves = buildCurves([
      run('first', 10, 2, 1),
      run('first', 1000, 1, 2),
      run('second', 10, 2, 3),
      run('second', 100, 1.5, 4),
    ]);
    expect(lowerEnvelopeAt(curves, Math.log(10))?.key).toBe('first');
    // At 100: first is 2 x (100 / 10)^(ln 0.5 / ln 100) = sqrt 2 = 1.414 < 1.5.
    expect(lowerEnvelopeAt(curves, Math.log(100))).toEqual({
      key: 'first',
      value: expect.closeTo(Math.SQRT2, 12),
      epochs: expect.closeTo(Math.SQRT2, 12),
    });
    expect(lowerEnvelope(curves, [5, 10, 2000]).map((s) => s.tpuV4CoreHours)).toEqual([10]);
  });
});

describe('logGrid', () => {
  it('spaces n budgets evenly in ln C with the ends exactly as given: 0.3 to 30 in 3 is 0.3, 3, 30', () => {
    const grid = logGrid(0.3, 30, 3);
    expect(grid[0]).toBe(0.3);
    expect(grid[2]).toBe(30);
    expect(grid[1]).toBeCloseTo(3, 12);
    expect(logGrid(1, 2, 2)).toEqual([1, 2]);
  });

  it('refuses non-positive ends, fewer than 2 points or a fraction, and an empty range, naming the field', () => {
    const cases: [() => unknown, string, string][] = [
      [
        () => logGrid(0, 10, 3),
        'minTpuV4CoreHours',
        'minTpuV4CoreHours must be a positive finite number; got 0',
      ],
      [
        () => logGrid(1, -1, 3),
        'maxTpuV4CoreHours',
        'maxTpuV4CoreHours must be a positive finite number; got -1',
      ],
      [() => logGrid(1, 10, 1), 'gridPoints', 'gridPoints must be an integer >= 2; got 1'],
      [() => logGrid(1, 10, 2.5), 'gridPoints', 'gridPoints must be an integer >= 2; got 2.5'],
      [() => logGrid(10, 10, 3), 'maxTpuV4CoreHours', 'the grid needs a maximum above its minimum'],
    ];
    for (const [call, field, message] of cases) {
      expect(refusalOf(call)).toEqual([field, message]);
    }
  });
});
