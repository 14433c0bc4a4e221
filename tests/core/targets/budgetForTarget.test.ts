import { describe, expect, it } from 'vitest';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import { fittedAllocation } from '../../../src/core/laws/allocation.js';
import { predictFrontierLoss } from '../../../src/core/laws/frontier.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import type { SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import { createPlannerContext } from '../../../src/core/planner/context.js';
import { plan } from '../../../src/core/planner/plan.js';
import type { PlanRequest } from '../../../src/core/planner/request.js';
import { budgetForTarget, type TargetRequest } from '../../../src/core/targets/budgetForTarget.js';
import {
  finetuneBudgetForTop1,
  frontierBudgetForLoss,
  surfaceBudgetForLoss,
} from '../../../src/core/targets/lawBudget.js';
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
    // Equal-rate, JFT loss: F5+ falls below 2.47 shortly before the planner switches to F6+, which starts above it;
    // F1+ does the same against 2.6675 before F3. A scan-and-bisect that ignored this would answer the later crossing.
    for (const jftValidationLoss of [2.47, 2.6675]) {
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
    const additive = laws.jftLoss.selection.candidates.find((c) => c.candidate.id === 'additive');
    const law = { coefficients: { ...(additive?.fit.coefficients as SurfaceCoefficients), E: 2.3 } };
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

  it('for a loss, byLaw is the planner’s own surface at its compute optimum (oracle: fittedAllocation), the frontier beside it (oracle: predictFrontierLoss)', () => {
    const result = budgetForTarget(context, { target: { jftValidationLoss: 2.5 } });
    expect(result.byLaw.method).toBe('surface_compute_optimal');
    const forward = fittedAllocation(
      laws.jftLoss.coefficients,
      laws.costModel.flopsPowerLaw,
      result.byLaw.tpuV4CoreHours,
    );
    expect(forward.predictedValue).toBeCloseTo(2.5, 10);
    expect(result.byLaw.withinFittedRange).toBe(true);
    expect(result.frontierPowerLaw?.method).toBe('frontier_power_law');
    expect(predictFrontierLoss(laws.frontier, result.frontierPowerLaw?.tpuV4CoreHours as number)).toBeCloseTo(
      2.5,
      12,
    );
    expect(result.agreement.byLawOverByPlanner).toBeCloseTo(
      result.byLaw.tpuV4CoreHours / result.byPlanner.tpuV4CoreHours,
      12,
    );
  });

  it('inverts the joint form by hand: E = 1, A = B = 1, alpha = beta = 1, gamma = 2, cost k = F (c = 1, g = 1)', () => {
    // On the optimum A/F = B/D, so the inner sum is 2/F and L = 1 + 4/F^2; L = 2 gives F = 2, D = 2 images and
    // C = (D / N) c F^g = 2 x 2 / 4e9 core hours.
    const joint = { E: 1, A: 1, B: 1, alpha: 1, beta: 1, gamma: 2 };
    const result = surfaceBudgetForLoss(joint, { coefficient: 1, exponent: 1 }, 2);
    expect(result.tpuV4CoreHours / (4 / 4e9) - 1).toBeCloseTo(0, 12);
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

describe('how far the laws and the planner are apart, for loss targets across the paper’s range', () => {
  // Targets: the Figure 2 lower envelope at every fourth budget of its grid, 401 to 106,800 core hours (losses 2.985
  // to 2.339). Measured (this commit): the surface's compute-optimal curve is within 8.3 % of the planner with the
  // fitted strategy and 17.7 % with equal_rate (the planner's discrete models and measured per-variant costs against
  // a continuum of sizes on the cost power law); the frontier power law is up to 22.4 % from the planner under either
  // strategy (0.82 at 2.339: 98k against 120k). The aim of 5 % is not met: with b = 0.043, a 1 % gap in loss between
  // the power law and the surface is a 23 % gap in budget, and the power law misses the envelope it was fitted to by
  // up to its maxRelativeError.
  const targets = laws.frontier.envelope.filter((_, i, all) => i % 4 === 0 || i === all.length - 1);
  const worst = (strategy: 'fitted' | 'equal_rate') => {
    let law = 0;
    let frontier = 0;
    for (const e of targets) {
      const r = budgetForTarget(context, { target: { jftValidationLoss: e.jftValidationLoss }, strategy });
      law = Math.max(law, Math.abs(Math.log(r.agreement.byLawOverByPlanner)));
      frontier = Math.max(frontier, Math.abs(Math.log(r.agreement.frontierPowerLawOverByPlanner as number)));
    }
    return { law: Math.expm1(law), frontier: Math.expm1(frontier) };
  };

  it('fitted strategy: the surface within 9 % of the planner, the frontier power law within 23 %', () => {
    const { law, frontier } = worst('fitted');
    expect(law).toBeLessThan(0.09);
    expect(frontier).toBeLessThan(0.23);
  });

  it('equal_rate strategy: the surface within 18 % of the planner, the frontier power law within 23 %', () => {
    const { law, frontier } = worst('equal_rate');
    expect(law).toBeLessThan(0.18);
    expect(frontier).toBeLessThan(0.23);
  });

  it('the paper’s best measured loss (2.339, F7+ at 8 epochs, 106.8k core hours): the planner within 13 % of the run', () => {
    const r = budgetForTarget(context, { target: { jftValidationLoss: 2.339 } });
    expect(r.byPlanner.plan.recommendation.model.name).toBe('F7+');
    expect(Math.abs(r.byPlanner.tpuV4CoreHours / 106_800 - 1)).toBeLessThan(0.13);
  });
});
