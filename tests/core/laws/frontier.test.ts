import { beforeEach, describe, expect, it } from 'vitest';
import { countNfnet } from '../../../src/core/architecture/count.js';
import { FIGURE2_JFT_VALIDATION_LOSS, type Figure2Point } from '../../../src/core/dataset/figures.js';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import { buildCurves, lowerEnvelopeAt } from '../../../src/core/laws/envelope.js';
import {
  computeFrontier,
  isWithinFrontierRange,
  measureAllocation,
  predictFrontierLoss,
  tpuV4CoreHoursForFrontierLoss,
} from '../../../src/core/laws/frontier.js';
import { thrownBy } from '../thrown.js';

/**
 * Synthetic curves, straight lines in log-log space, so the piecewise-linear interpolation is exact:
 *   curve A ('F0'):  L = 10 C^-0.1, runs at C = 10 .. 1e4, epochs = C / 10
 *   curve B ('F7+'): L = 20 C^-0.2, runs at C = 100 .. 1e5, epochs = C / 100
 * They cross where 10 C^-0.1 = 20 C^-0.2, i.e. C^0.1 = 2, C = 2^10 = 1024, at L = 10 / 2 = 5.
 * Below 1024 A is lower; above, B.
 */
const lineA = (c: number) => 10 * c ** -0.1;
const lineB = (c: number) => 20 * c ** -0.2;
function run(model: Figure2Point['model'], c: number, loss: number, costPerEpoch: number): Figure2Point {
  return { model, epochs: c / costPerEpoch, tpuV4CoreHours: c, jftValidationLoss: loss, occlusion: null };
}
const curveA = [10, 100, 1000, 10_000].map((c) => run('F0', c, lineA(c), 10));
const curveB = [100, 1000, 10_000, 100_000].map((c) => run('F7+', c, lineB(c), 100));
const crossing = [...curveA, ...curveB];

function thrownField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlannerInputError) return error.field;
    throw error;
  }
  return undefined;
}

function curvesOf(points: readonly Figure2Point[]) {
  return buildCurves(
    points.map((p) => ({
      key: p.model,
      tpuV4CoreHours: p.tpuV4CoreHours,
      value: p.jftValidationLoss,
      epochs: p.epochs,
    })),
  );
}

describe('lower envelope of two crossing log-log lines (hand-worked)', () => {
  let curves: ReturnType<typeof curvesOf>;
  beforeEach(() => {
    curves = curvesOf(crossing);
  });

  it('follows A below the crossing at 1024 core hours and B above it', () => {
    for (const c of [15, 300, 1000, 1020]) {
      const at = lowerEnvelopeAt(curves, Math.log(c));
      expect(at?.key).toBe('F0');
      expect(at?.value).toBeCloseTo(lineA(c), 12);
      expect(at?.epochs).toBeCloseTo(c / 10, 9);
    }
    for (const c of [1030, 5000, 20_000, 99_000]) {
      const at = lowerEnvelopeAt(curves, Math.log(c));
      expect(at?.key).toBe('F7+');
      expect(at?.value).toBeCloseTo(lineB(c), 12);
      expect(at?.epochs).toBeCloseTo(c / 100, 9);
    }
  });

  it('meets both lines at loss 5 at the crossing', () => {
    expect(lowerEnvelopeAt(curves, Math.log(1024))?.value).toBeCloseTo(5, 12);
  });

  it('is undefined outside every curve, and defined only by the curve that covers a budget', () => {
    expect(lowerEnvelopeAt(curves, Math.log(9.99))).toBeNull();
    expect(lowerEnvelopeAt(curves, Math.log(100_001))).toBeNull();
    // 50 is below curve B's first run, so A is the only candidate; 50_000 is past A's last run.
    expect(lowerEnvelopeAt(curves, Math.log(50))?.key).toBe('F0');
    expect(lowerEnvelopeAt(curves, Math.log(50_000))?.key).toBe('F7+');
  });

  it('samples the grid 10, 100, 1e3, 1e4, 1e5 as A, A, A, B, B', () => {
    const frontier = computeFrontier(crossing, { gridPoints: 5 });
    expect(frontier.envelope.map((e) => e.variant)).toEqual(['F0', 'F0', 'F0', 'F7+', 'F7+']);
    const expected = [lineA(10), lineA(100), lineA(1000), lineB(1e4), lineB(1e5)];
    frontier.envelope.forEach((e, i) => {
      expect(e.jftValidationLoss).toBeCloseTo(expected[i] as number, 9);
    });
    expect(frontier.grid).toEqual({ minTpuV4CoreHours: 10, maxTpuV4CoreHours: 100_000, points: 5 });
  });

  it('measures the allocation exponents by hand: epochs 0.7, cost per epoch 0.3', () => {
    // On x = log10 C = 1..5 the envelope has log10 epochs 0, 1, 2, 2, 3 and log10 cost per epoch 1, 1, 1, 2, 2.
    // OLS slopes: sum((x - 3)(y - ybar)) / 10 = 7 / 10 and 3 / 10. FLOPs follow the cost pattern scaled by
    // log10(F7+ / F0): slope 0.3 x log10(F7+ / F0).
    const allocation = measureAllocation(computeFrontier(crossing, { gridPoints: 5 }));
    expect(allocation.epochs.exponent).toBeCloseTo(0.7, 9);
    expect(allocation.costPerEpochTpuV4CoreHours.exponent).toBeCloseTo(0.3, 9);
    const ratio = countNfnet('F7+').flops / countNfnet('F0').flops;
    expect(allocation.flopsPerImage.exponent).toBeCloseTo(0.3 * Math.log10(ratio), 9);
    expect(allocation.paperExponent).toBe(0.5);
  });
});

describe('frontier fit on synthetic data with a known law', () => {
  it('recovers a = 10, b = 0.1 from two overlapping runs of L = 10 C^-0.1', () => {
    const points = [
      ...[10, 100, 1000].map((c) => run('F0', c, lineA(c), 10)),
      ...[300, 3000, 30_000].map((c) => run('F1', c, lineA(c), 30)),
    ];
    const frontier = computeFrontier(points, { gridPoints: 17 });
    expect(frontier.a).toBeCloseTo(10, 9);
    expect(frontier.b).toBeCloseTo(0.1, 12);
    expect(frontier.quality.r2Log).toBeCloseTo(1, 12);
    expect(frontier.quality.maxRelativeError).toBeLessThan(1e-12);
    expect(frontier.quality.n).toBe(17);
  });

  it('a single variant on the envelope gives epochs exponent 1 and FLOPs and cost-per-epoch exponents 0', () => {
    const allocation = measureAllocation(computeFrontier(curveA, { gridPoints: 9 }));
    expect(allocation.epochs.exponent).toBeCloseTo(1, 12);
    expect(allocation.epochs.coefficient).toBeCloseTo(0.1, 12);
    expect(allocation.costPerEpochTpuV4CoreHours.exponent).toBeCloseTo(0, 12);
    expect(allocation.flopsPerImage.exponent).toBeCloseTo(0, 12);
  });
});

describe('frontier of the paper data (Smith et al. 2023, Figure 2)', () => {
  let frontier: ReturnType<typeof computeFrontier>;
  beforeEach(() => {
    frontier = computeFrontier();
  });

  it('falls with compute along a near-straight log-log line (the paper: a linear trend on log-log axes)', () => {
    expect(frontier.b).toBeGreaterThan(0);
    expect(frontier.quality.r2Log).toBeGreaterThan(0.95);
    expect(frontier.quality.n).toBe(frontier.grid.points);
  });

  it('spans the runs: starts on F0 at 0.25 epochs (400.6 h, 2.985) and ends on F7+ at 8 epochs (106,800 h, 2.339)', () => {
    const first = frontier.envelope[0];
    const last = frontier.envelope.at(-1);
    expect(first).toMatchObject({ variant: 'F0', tpuV4CoreHours: 400.6, jftValidationLoss: 2.985 });
    expect(first?.epochs).toBeCloseTo(0.25, 12);
    expect(last).toMatchObject({ variant: 'F7+', tpuV4CoreHours: 106_800, jftValidationLoss: 2.339 });
    expect(last?.epochs).toBeCloseTo(8, 12);
  });

  it('lies at or below every measured run (each run is on its own curve, and the envelope is the minimum)', () => {
    const curves = curvesOf(FIGURE2_JFT_VALIDATION_LOSS);
    for (const p of FIGURE2_JFT_VALIDATION_LOSS) {
      const at = lowerEnvelopeAt(curves, Math.log(p.tpuV4CoreHours));
      expect(at?.value).toBeLessThanOrEqual(p.jftValidationLoss);
    }
  });

  it('never rises with compute (more compute never hurts in Figure 2)', () => {
    for (let i = 1; i < frontier.envelope.length; i++) {
      expect(frontier.envelope[i]?.jftValidationLoss).toBeLessThan(
        frontier.envelope[i - 1]?.jftValidationLoss as number,
      );
    }
  });

  it('reports cost per epoch as budget / epochs at every grid budget', () => {
    for (const e of frontier.envelope) {
      expect(e.costPerEpochTpuV4CoreHours * e.epochs).toBeCloseTo(e.tpuV4CoreHours, 6);
    }
  });

  it('measured allocation: cost-per-epoch and epochs exponents add to 1; larger models win at larger budgets', () => {
    // ln(C / E) + ln E = ln C, and least squares is linear in y, so the two slopes sum to exactly 1.
    const allocation = measureAllocation(frontier);
    expect(allocation.costPerEpochTpuV4CoreHours.exponent + allocation.epochs.exponent).toBeCloseTo(1, 12);
    expect(allocation.flopsPerImage.exponent).toBeGreaterThan(0);
    expect(allocation.epochs.exponent).toBeGreaterThan(0);
    for (const fit of [allocation.flopsPerImage, allocation.costPerEpochTpuV4CoreHours, allocation.epochs]) {
      expect(fit.r2Log).toBeGreaterThanOrEqual(0);
      expect(fit.r2Log).toBeLessThanOrEqual(1);
    }
  });
});

describe('predictFrontierLoss and its inverse (hand-worked law a = 10, b = 0.5)', () => {
  const law = { a: 10, b: 0.5 };

  it('10 x 100^-0.5 = 1 and back: (1 / 10)^(-1 / 0.5) = 100', () => {
    expect(predictFrontierLoss(law, 100)).toBeCloseTo(1, 12);
    expect(tpuV4CoreHoursForFrontierLoss(law, 1)).toBeCloseTo(100, 9);
    expect(tpuV4CoreHoursForFrontierLoss(law, 0.5)).toBeCloseTo(400, 9);
  });

  it('round-trips on the paper frontier', () => {
    const frontier = computeFrontier();
    for (const c of [500, 5000, 50_000]) {
      const loss = predictFrontierLoss(frontier, c);
      expect(tpuV4CoreHoursForFrontierLoss(frontier, loss) / c).toBeCloseTo(1, 9);
    }
    expect(isWithinFrontierRange(frontier, 5000)).toBe(true);
    expect(isWithinFrontierRange(frontier, 200_000)).toBe(false);
  });

  it('rejects bad budgets and targets with the field named', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => predictFrontierLoss(law, bad)).toThrow(PlannerInputError);
      expect(() => tpuV4CoreHoursForFrontierLoss(law, bad)).toThrow(PlannerInputError);
    }
    expect(thrownField(() => predictFrontierLoss(law, -5))).toBe('tpuV4CoreHours');
    expect(thrownField(() => tpuV4CoreHoursForFrontierLoss(law, 0))).toBe('targetJftValidationLoss');
  });

  it('is infeasible when the law does not fall or the budget overflows', () => {
    expect(() => tpuV4CoreHoursForFrontierLoss({ a: 10, b: 0 }, 1)).toThrow(InfeasibleError);
    // (1e-300 / 10)^(-100) overflows to Infinity.
    expect(() => tpuV4CoreHoursForFrontierLoss({ a: 10, b: 0.01 }, 1e-300)).toThrow(InfeasibleError);
  });
});

describe('frontier input validation', () => {
  it('rejects empty data and two runs of one curve at the same compute', () => {
    expect(() => computeFrontier([])).toThrow(PlannerInputError);
    expect(() =>
      computeFrontier([run('F0', 10, 3, 10), run('F0', 10, 2.9, 10), run('F0', 20, 2.8, 10)]),
    ).toThrow(PlannerInputError);
  });
});

describe('the frontier law at its edges (oracle: the statements of frontier.ts, hand-worked overflows)', () => {
  it('names itself, its form and what it was fitted on, with its largest error over the envelope', () => {
    const frontier = computeFrontier(crossing, { gridPoints: 9 });
    expect(frontier.id).toBe('jft_loss_frontier');
    expect(frontier.form).toBe('L* = a x C^(-b), C in TPU-v4 core hours');
    expect(frontier.provenance).toBe(
      'fitted: least squares on (ln C, ln L*) over the lower envelope of 2 measured curves (8 runs, Smith et al. ' +
        '2023 Figure 2, digitized), each interpolated piecewise linearly in log-log space within its measured range, ' +
        'sampled at 9 budgets evenly spaced in ln C',
    );
    const errors = frontier.envelope.map((e) =>
      Math.abs((frontier.a * e.tpuV4CoreHours ** -frontier.b) / e.jftValidationLoss - 1),
    );
    expect(frontier.quality.maxRelativeError).toBe(Math.max(...errors));
    expect(Math.min(...errors)).toBeLessThan(frontier.quality.maxRelativeError);
  });

  it('refuses runs all at one budget', () => {
    const error = thrownBy(() => computeFrontier([run('F0', 10, 3, 10), run('F1', 10, 2.9, 10)]));
    expect(error).toBeInstanceOf(PlannerInputError);
    expect(error.message).toBe('the frontier needs runs at two or more compute budgets');
  });

  it('refuses a loss out of range: a = 1e308, b = -1 at 1e10 core hours overflows; a = 0 gives 0', () => {
    const overflow = thrownBy(() => predictFrontierLoss({ a: 1e308, b: -1 }, 1e10));
    expect(overflow).toBeInstanceOf(InfeasibleError);
    expect(overflow.message).toBe('the frontier law gives no finite loss at 10000000000 TPU-v4 core hours');
    expect((overflow as InfeasibleError).detail).toEqual({ tpuV4CoreHours: 1e10 });
    expect(thrownBy(() => predictFrontierLoss({ a: 0, b: 0.5 }, 100))).toBeInstanceOf(InfeasibleError);
    const bad = thrownBy(() => predictFrontierLoss({ a: 10, b: 0.5 }, -3, 'budget'));
    expect([(bad as PlannerInputError).field, bad.message]).toEqual([
      'budget',
      'budget must be a positive finite number; got -3',
    ]);
  });

  it('has no budget for a target when the law does not fall (b = 0), or when the budget underflows to 0', () => {
    const flat = thrownBy(() => tpuV4CoreHoursForFrontierLoss({ a: 10, b: 0 }, 1));
    expect(flat.message).toBe(
      'the frontier law does not fall with compute, so no budget reaches a target loss',
    );
    expect((flat as InfeasibleError).detail).toEqual({ b: 0 });
    // (1e300 / 1e-300)^(-1 / 0.01) = (1e600 = Infinity)^(-100) = 0.
    const zero = thrownBy(() => tpuV4CoreHoursForFrontierLoss({ a: 1e-300, b: 0.01 }, 1e300));
    expect(zero).toBeInstanceOf(InfeasibleError);
    expect(zero.message).toBe('a JFT-4B loss of 1e+300 is beyond any finite budget on the frontier law');
    expect((zero as InfeasibleError).detail).toEqual({ targetJftValidationLoss: 1e300 });
  });

  it('counts both ends of the fitted range as inside it', () => {
    const grid = { minTpuV4CoreHours: 400, maxTpuV4CoreHours: 110_000, points: 9 };
    expect(isWithinFrontierRange({ grid }, 400)).toBe(true);
    expect(isWithinFrontierRange({ grid }, 110_000)).toBe(true);
    expect(isWithinFrontierRange({ grid }, 399.99)).toBe(false);
    expect(isWithinFrontierRange({ grid }, 110_000.01)).toBe(false);
  });

  it('measures an allocation only from two or more budgets, and says how', () => {
    const frontier = computeFrontier(crossing, { gridPoints: 5 });
    const one = thrownBy(() => measureAllocation({ envelope: frontier.envelope.slice(0, 1) }));
    expect([(one as PlannerInputError).field, one.message]).toEqual([
      'frontier',
      'the envelope needs two or more budgets',
    ]);
    const measured = measureAllocation(frontier);
    expect(measured.id).toBe('measured_allocation');
    expect(measured.paperExponent).toBe(0.5);
    expect(measured.provenance).toBe(
      'fitted: least squares on log-log over 5 budgets of the Figure 2 lower envelope, taking at each budget the ' +
        'variant on the envelope and its epochs (Hoffmann et al. 2022, approach 1); the paper states 0.5 for both ' +
        'cost per epoch and epochs (FACTS.equalRateScalingExponent)',
    );
  });
});
