import { describe, expect, it } from 'vitest';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import { fittedAllocation } from '../../../src/core/laws/allocation.js';
import { predictFrontierLoss } from '../../../src/core/laws/frontier.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { createPlannerContext } from '../../../src/core/planner/context.js';
import { plan } from '../../../src/core/planner/plan.js';
import type { PlanRequest } from '../../../src/core/planner/request.js';
import { budgetForTarget, type TargetRequest } from '../../../src/core/targets/budgetForTarget.js';
import { finetuneBudgetForTop1, frontierBudgetForLoss } from '../../../src/core/targets/lawBudget.js';
import { MAX_BUDGET_TPU_V4_CORE_HOURS } from '../../../src/core/units/budget.js';

const laws = fitPaperLaws();
const context = createPlannerContext(laws);

function planAt(request: TargetRequest, tpuV4CoreHours: number) {
  const { target, ...rest } = request;
  const objective = rest.objective ?? (target.jftValidationLoss !== undefined ? 'jft_loss' : 'imagenet_top1');
  const planRequest: PlanRequest = {
    ...rest,
    objective,
    budget: { amount: tpuV4CoreHours, unit: 'tpu_v4_core_hours' },
  };
  return plan(context, planRequest);
}

function meets(
  request: TargetRequest,
  predicted: { jftValidationLoss: number; imagenetTop1Percent: number },
) {
  const { jftValidationLoss, imagenetTop1Percent } = request.target;
  return jftValidationLoss !== undefined
    ? predicted.jftValidationLoss <= jftValidationLoss
    : predicted.imagenetTop1Percent >= (imagenetTop1Percent as number);
}

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return expect.unreachable('expected an error');
}

const requests: TargetRequest[] = [
  ...[3.0, 2.8, 2.6, 2.5, 2.4, 2.3, 2.2].flatMap((jftValidationLoss) =>
    (['equal_rate', 'fitted'] as const).map((strategy) => ({ target: { jftValidationLoss }, strategy })),
  ),
  ...[80, 85, 88, 89.5, 90.5].flatMap((imagenetTop1Percent) =>
    (['equal_rate', 'fitted'] as const).map((strategy) => ({ target: { imagenetTop1Percent }, strategy })),
  ),
];

describe('budgetForTarget through the planner: round trip', () => {
  it.each(requests)(
    'plans at the returned budget meet the target, and 1% less fails unless the model differs (%j)',
    (request) => {
      const result = budgetForTarget(context, request);
      const C = result.byPlanner.tpuV4CoreHours;
      const again = planAt(request, C);
      expect(again.recommendation).toEqual(result.byPlanner.plan.recommendation);
      expect(meets(request, again.recommendation.predicted)).toBe(true);
      const value =
        request.target.jftValidationLoss !== undefined
          ? again.recommendation.predicted.jftValidationLoss / request.target.jftValidationLoss
          : again.recommendation.predicted.imagenetTop1Percent /
            (request.target.imagenetTop1Percent as number);
      if (result.byPlanner.crossing === 'continuous') expect(Math.abs(value - 1)).toBeLessThan(0.005);
      // Below a continuous crossing the same model predicts worse (fewer epochs of it); a different model may not.
      const smaller = planAt(request, C * 0.99);
      if (smaller.recommendation.model.name === again.recommendation.model.name)
        expect(meets(request, smaller.recommendation.predicted)).toBe(false);
    },
  );

  it('finds the smallest budget: no budget below it meets the target (oracle: brute-force scan, 100 per decade)', () => {
    for (const request of [requests[4], requests[9], requests[17]] as TargetRequest[]) {
      const C = budgetForTarget(context, request).byPlanner.tpuV4CoreHours;
      for (let k = 0; 10 ** (k / 100) < C; k++) {
        const below = planAt(request, 10 ** (k / 100));
        expect(meets(request, below.recommendation.predicted)).toBe(false);
      }
    }
  });

  it('finds a dip of the earlier model just before a switch that lifts the prediction (oracle: dense scan)', () => {
    // Equal-rate, JFT loss: F5+ falls below 2.485 shortly before the planner switches to F6+, which starts above it;
    // F1+ does the same against 2.6675 before F3. A scan-and-bisect that ignored this would answer the later crossing.
    for (const jftValidationLoss of [2.485, 2.6675]) {
      const request: TargetRequest = { target: { jftValidationLoss } };
      const result = budgetForTarget(context, request);
      const C = result.byPlanner.tpuV4CoreHours;
      expect(result.byPlanner.crossing).toBe('continuous');
      for (let k = 0; (C / 2) * 10 ** (k / 1000) < C * (1 - 1e-9); k++)
        expect(meets(request, planAt(request, (C / 2) * 10 ** (k / 1000)).recommendation.predicted)).toBe(
          false,
        );
      // The model that meets it is the one the planner leaves just above C (a switch follows within 3%).
      expect(planAt(request, C * 1.03).recommendation.model.name).not.toBe(
        result.byPlanner.plan.recommendation.model.name,
      );
    }
  });

  it('defaults the objective to the target’s and echoes it', () => {
    expect(budgetForTarget(context, { target: { jftValidationLoss: 2.6 } }).objective).toBe('jft_loss');
    expect(budgetForTarget(context, { target: { imagenetTop1Percent: 88 } }).objective).toBe('imagenet_top1');
    const crossed = budgetForTarget(context, { target: { imagenetTop1Percent: 88 }, objective: 'jft_loss' });
    expect(crossed.objective).toBe('jft_loss');
    expect(crossed.byPlanner.plan.objective).toBe('jft_loss');
  });

  it('answers the smallest accepted budget when even it meets the target', () => {
    const result = budgetForTarget(context, { target: { jftValidationLoss: 50 } });
    expect(result.byPlanner.crossing).toBe('smallest_budget');
    expect(result.byPlanner.tpuV4CoreHours).toBe(1);
  });

  it('respects constraints: only F0 allowed, the plan trains F0', () => {
    const result = budgetForTarget(context, {
      target: { jftValidationLoss: 2.6 },
      constraints: { models: ['F0'] },
    });
    expect(result.byPlanner.plan.recommendation.model.name).toBe('F0');
    expect(result.byPlanner.plan.recommendation.predicted.jftValidationLoss).toBeLessThanOrEqual(2.6);
  });

  it('plans with a caller’s law and bounds the target by that law’s E', () => {
    const law = { coefficients: { ...laws.jftLoss.coefficients, E: 2.3 } };
    const result = budgetForTarget(context, { target: { jftValidationLoss: 2.5 }, law });
    expect(result.byPlanner.plan.recommendation.predicted.jftValidationLoss).toBeLessThanOrEqual(2.5);
    const error = catchError(() => budgetForTarget(context, { target: { jftValidationLoss: 2.25 }, law }));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect((error as InfeasibleError).detail).toMatchObject({
      reachableLimit: { jftValidationLossAbove: 2.3 },
    });
  });
});

describe('budget off the continuous laws', () => {
  it('inverts a frontier by hand: a = 4, b = 0.05, L = 2 gives C = 2^20', () => {
    const grid = { minTpuV4CoreHours: 400, maxTpuV4CoreHours: 110_000, points: 41 };
    const result = frontierBudgetForLoss({ a: 4, b: 0.05, grid }, 2);
    // (2 / 4)^(-1 / 0.05) = 2^20 = 1,048,576.
    expect(result.tpuV4CoreHours).toBeCloseTo(1_048_576, 4);
    expect(result.withinFittedRange).toBe(false);
    expect(result.withinAcceptedBudgets).toBe(true);
  });

  it('on the paper’s frontier, the law at the returned budget is the target (oracle: predictFrontierLoss)', () => {
    const result = budgetForTarget(context, { target: { jftValidationLoss: 2.5 } });
    expect(result.byLaw.method).toBe('frontier_power_law');
    expect(predictFrontierLoss(laws.frontier, result.byLaw.tpuV4CoreHours)).toBeCloseTo(2.5, 12);
    expect(result.byLaw.withinFittedRange).toBe(true);
  });

  it('for top-1, the fine-tuning law’s compute-optimal error at the returned budget is 100 - target (oracle: fittedAllocation)', () => {
    for (const top1 of [80, 88, 90.5, 92.5]) {
      const result = finetuneBudgetForTop1(laws.finetune.coefficients, laws.costModel.flopsPowerLaw, top1);
      const forward = fittedAllocation(
        laws.finetune.coefficients,
        laws.costModel.flopsPowerLaw,
        result.tpuV4CoreHours,
      );
      expect(forward.predictedValue).toBeCloseTo(100 - top1, 9);
    }
    expect(budgetForTarget(context, { target: { imagenetTop1Percent: 88 } }).byLaw.method).toBe(
      'finetune_compute_optimal',
    );
  });
});

describe('unreachable targets say the reachable limit', () => {
  it('a loss at or below the fitted irreducible loss E', () => {
    const E = laws.jftLoss.coefficients.E;
    const error = catchError(() => budgetForTarget(context, { target: { jftValidationLoss: E } }));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect(error.message).toContain('irreducible');
    expect((error as InfeasibleError).detail).toMatchObject({
      reachableLimit: { jftValidationLossAbove: E },
    });
  });

  it('a top-1 at or above 100 - E of the fine-tuning law, and above 100', () => {
    const limit = 100 - laws.finetune.coefficients.E;
    const atLimit = catchError(() => budgetForTarget(context, { target: { imagenetTop1Percent: limit } }));
    expect(atLimit).toBeInstanceOf(InfeasibleError);
    expect((atLimit as InfeasibleError).detail).toMatchObject({
      reachableLimit: { imagenetTop1PercentBelow: limit },
    });
    const above = catchError(() => budgetForTarget(context, { target: { imagenetTop1Percent: 100.5 } }));
    expect(above).toBeInstanceOf(InfeasibleError);
    expect((above as InfeasibleError).detail).toMatchObject({
      reachableLimit: { imagenetTop1PercentBelow: 100 },
    });
  });

  it('a target above E that no accepted budget reaches reports the best plan’s prediction (oracle: plan at 1e9)', () => {
    const best = plan(context, {
      budget: { amount: MAX_BUDGET_TPU_V4_CORE_HOURS, unit: 'tpu_v4_core_hours' },
    });
    const target = (laws.jftLoss.coefficients.E + best.recommendation.predicted.jftValidationLoss) / 2;
    const error = catchError(() => budgetForTarget(context, { target: { jftValidationLoss: target } }));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect((error as InfeasibleError).detail).toMatchObject({
      reachableLimit: {
        jftValidationLoss: best.recommendation.predicted.jftValidationLoss,
        tpuV4CoreHours: MAX_BUDGET_TPU_V4_CORE_HOURS,
      },
    });
  });
});

describe('target input errors', () => {
  it.each([
    [{}, 'target'],
    [{ jftValidationLoss: 2.5, imagenetTop1Percent: 88 }, 'target'],
    [{ jftValidationLoss: -1 }, 'target.jftValidationLoss'],
    [{ jftValidationLoss: Number.NaN }, 'target.jftValidationLoss'],
    [{ imagenetTop1Percent: 0 }, 'target.imagenetTop1Percent'],
    [{ imagenetTop1Percent: '88' }, 'target.imagenetTop1Percent'],
  ])('%j names %s', (target, field) => {
    const error = catchError(() => budgetForTarget(context, { target: target as never }));
    expect(error).toBeInstanceOf(PlannerInputError);
    expect((error as PlannerInputError).field).toBe(field);
  });

  it('passes on the planner’s own field errors', () => {
    const error = catchError(() =>
      budgetForTarget(context, { target: { jftValidationLoss: 2.6 }, constraints: { models: ['F9'] } }),
    );
    expect((error as PlannerInputError).field).toBe('constraints.models.0');
  });
});
