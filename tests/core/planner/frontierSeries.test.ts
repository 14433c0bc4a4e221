/**
 * frontierSeries and measuredPoints at the core's level. Oracles: the paper's stated budget range (0.4k to ~110k
 * TPU-v4 core hours) as the default, a log grid worked by hand (constant ratio, both ends exact), the frontier
 * L* = a C^-b evaluated by hand, plan() asked for each point itself, and the digitized figures read directly
 * (Figure 1's first F1 point: 13.9 % error at 0.25 epochs, so 86.1 % top-1).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FIGURE1_NFNET_IMAGENET_ERROR,
  FIGURE2_JFT_VALIDATION_LOSS,
} from '../../../src/core/dataset/figures.js';
import { PlannerInputError } from '../../../src/core/errors.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../../src/core/planner/context.js';
import {
  type FrontierSeriesRequest,
  frontierSeries,
  MAX_FRONTIER_POINTS,
  measuredPoints,
} from '../../../src/core/planner/frontierSeries.js';
import { plan } from '../../../src/core/planner/plan.js';

let context: PlannerContext;
beforeAll(() => {
  context = createPlannerContext(fitPaperLaws());
});

function refusal(request: FrontierSeriesRequest): PlannerInputError {
  try {
    frontierSeries(context, request);
  } catch (error) {
    expect(error).toBeInstanceOf(PlannerInputError);
    return error as PlannerInputError;
  }
  throw new Error('expected a PlannerInputError, got none');
}

describe('the grid of budgets', () => {
  it("by default 25 budgets from the paper's 400 to 110,000 core hours, log-spaced", () => {
    const { series, objective } = frontierSeries(context);
    expect(objective).toBe('jft_loss');
    expect(series).toHaveLength(25);
    expect(series[0]?.tpuV4CoreHours).toBeCloseTo(400, 9);
    expect(series[24]?.tpuV4CoreHours).toBeCloseTo(110_000, 6);
    const ratio = (110_000 / 400) ** (1 / 24);
    for (let i = 1; i < series.length; i++)
      expect((series[i]?.tpuV4CoreHours as number) / (series[i - 1]?.tpuV4CoreHours as number)).toBeCloseTo(
        ratio,
        12,
      );
  });

  it('a given range and count: 3 points from 100 to 10,000 are 100, 1,000 and 10,000', () => {
    const { series } = frontierSeries(context, {
      fromTpuV4CoreHours: 100,
      toTpuV4CoreHours: 10_000,
      points: 3,
    });
    expect(series.map((p) => p.tpuV4CoreHours)).toEqual([
      expect.closeTo(100, 9),
      expect.closeTo(1_000, 9),
      expect.closeTo(10_000, 8),
    ]);
  });

  it('from 1 to 1e9 core hours (the budget limits) and from 2 to 200 points are accepted', () => {
    expect(
      frontierSeries(context, { fromTpuV4CoreHours: 1, toTpuV4CoreHours: 1e9, points: 2 }).series,
    ).toHaveLength(2);
    expect(MAX_FRONTIER_POINTS).toBe(200);
    expect(
      frontierSeries(context, { fromTpuV4CoreHours: 1_000, toTpuV4CoreHours: 2_000, points: 200 }).series,
    ).toHaveLength(200);
  });

  it.each([
    [
      { fromTpuV4CoreHours: 0.999 },
      'from',
      'from must be between 1 and 1000000000 TPU-v4 core hours; got 0.999',
    ],
    [
      { fromTpuV4CoreHours: Number.NaN },
      'from',
      'from must be between 1 and 1000000000 TPU-v4 core hours; got NaN',
    ],
    [
      { toTpuV4CoreHours: 1.000001e9 },
      'to',
      'to must be between 1 and 1000000000 TPU-v4 core hours; got 1000001000',
    ],
    [
      { toTpuV4CoreHours: Number.POSITIVE_INFINITY },
      'to',
      'to must be between 1 and 1000000000 TPU-v4 core hours; got Infinity',
    ],
    [
      { fromTpuV4CoreHours: 5_000, toTpuV4CoreHours: 5_000 },
      'to',
      'to (5000) must be greater than from (5000)',
    ],
    [
      { fromTpuV4CoreHours: 5_000, toTpuV4CoreHours: 4_000 },
      'to',
      'to (4000) must be greater than from (5000)',
    ],
    [{ toTpuV4CoreHours: 300 }, 'to', 'to (300) must be greater than from (400)'],
    [{ points: 1 }, 'points', 'points must be a whole number from 2 to 200; got 1'],
    [{ points: 201 }, 'points', 'points must be a whole number from 2 to 200; got 201'],
    [{ points: 2.5 }, 'points', 'points must be a whole number from 2 to 200; got 2.5'],
  ])('%j is refused on %s', (request, field, message) => {
    const error = refusal(request);
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });
});

describe('each point', () => {
  it.each(['jft_loss', 'imagenet_top1'] as const)(
    '%s: the frontier a C^-b by hand, and each strategy what plan() gives for that budget',
    (objective) => {
      const { series } = frontierSeries(context, {
        fromTpuV4CoreHours: 1_000,
        toTpuV4CoreHours: 80_000,
        points: 4,
        objective,
      });
      const { a, b } = context.laws.frontier;
      for (const point of series) {
        const C = point.tpuV4CoreHours;
        expect(point.frontierJftValidationLoss).toBeCloseTo(a * C ** -b, 12);
        for (const [key, strategy] of [
          ['equalRate', 'equal_rate'],
          ['fitted', 'fitted'],
        ] as const) {
          const p = plan(context, { budget: { amount: C, unit: 'tpu_v4_core_hours' }, strategy, objective });
          expect(point[key]).toEqual({
            ideal: {
              epochs: p.ideal.epochs,
              costPerEpochTpuV4CoreHours: p.ideal.costPerEpochTpuV4CoreHours,
              flopsPerImage: p.ideal.flopsPerImage,
            },
            recommendation: {
              model: p.recommendation.model.name,
              epochs: p.recommendation.epochs,
              costPerEpochTpuV4CoreHours: p.recommendation.model.costPerEpochTpuV4CoreHours,
              predicted: p.recommendation.predicted,
            },
          });
        }
      }
    },
  );

  it('the strategies differ somewhere on the default grid (so the two fields are not one plan twice)', () => {
    const { series } = frontierSeries(context);
    expect(series.some((p) => p.equalRate.recommendation.model !== p.fitted.recommendation.model)).toBe(true);
  });
});

describe('the measured points', () => {
  it("jft_loss: Figure 2's digitized losses, every point", () => {
    const m = measuredPoints('jft_loss');
    expect(m.figure).toBe('Figure 2');
    expect(m.metric).toBe('JFT-4B held-out validation loss');
    expect(m.provenance).toBe('digitized');
    expect(m.points).toHaveLength(FIGURE2_JFT_VALIDATION_LOSS.length);
    const first = FIGURE2_JFT_VALIDATION_LOSS[0];
    expect(m.points[0]).toEqual({
      model: first?.model,
      epochs: first?.epochs,
      tpuV4CoreHours: first?.tpuV4CoreHours,
      value: first?.jftValidationLoss,
    });
    expect(frontierSeries(context, { points: 2 }).measured).toEqual(m);
  });

  it("imagenet_top1: Figure 1's points as top-1, 100 minus the digitized error", () => {
    const m = measuredPoints('imagenet_top1');
    expect(m.figure).toBe('Figure 1');
    expect(m.metric).toBe('ImageNet top-1 after fine-tuning (%), 100 - the digitized error');
    expect(m.provenance).toBe('digitized');
    expect(m.points).toHaveLength(FIGURE1_NFNET_IMAGENET_ERROR.length);
    expect(m.points[0]).toEqual({
      model: 'F1',
      epochs: 0.25,
      tpuV4CoreHours: 700.2,
      value: expect.closeTo(86.1, 12),
    });
    expect(frontierSeries(context, { points: 2, objective: 'imagenet_top1' }).measured).toEqual(m);
  });
});
