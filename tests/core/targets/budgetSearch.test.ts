/**
 * budgetForTarget's search and what it reports beside the budget. Oracles: plans made directly at the returned budget
 * and a hair below it (the bisection stops at a relative width of 1e-12), the scan's stated grid (32 budgets per
 * decade from 1 to 1e9 core hours), plans at the largest accepted budget for what an unreachable target can reach, the
 * closed-form budgets (byLaw, frontierPowerLaw) divided by hand, and a caller's ensemble whose fits all equal its law
 * (its interval is then the point).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../../src/core/planner/context.js';
import { plan } from '../../../src/core/planner/plan.js';
import { budgetForTarget, type TargetRequest } from '../../../src/core/targets/budgetForTarget.js';
import { fitLawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';

let context: PlannerContext;
beforeAll(() => {
  context = createPlannerContext(fitPaperLaws());
});

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, got none');
}
const planAt = (ctx: PlannerContext, request: TargetRequest, amount: number) => {
  const { target: _target, ...settings } = request;
  return plan(ctx, { ...settings, budget: { amount, unit: 'tpu_v4_core_hours' } });
};
const LAW = { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 };

describe('the request', () => {
  it.each([[null], ['2.6'], [undefined]])('a request %j is refused on target', (request) => {
    const error = thrown(() => budgetForTarget(context, request as unknown as TargetRequest));
    expect(error).toBeInstanceOf(PlannerInputError);
    expect((error as PlannerInputError).field).toBe('target');
    expect(error.message).toBe('the request must be an object with a target');
  });
});

describe('the search', () => {
  it('a continuous crossing is found to 1e-12: the same model a hair below does not meet the target', () => {
    const request: TargetRequest = { target: { jftValidationLoss: 2.6 } };
    const result = budgetForTarget(context, request);
    const C = result.byPlanner.tpuV4CoreHours;
    expect(result.byPlanner.crossing).toBe('continuous');
    const below = planAt(context, request, C * (1 - 1e-11));
    expect(below.recommendation.model.name).toBe(result.byPlanner.plan.recommendation.model.name);
    expect(below.recommendation.predicted.jftValidationLoss).toBeGreaterThan(2.6);
    expect(result.byPlanner.plan.recommendation.predicted.jftValidationLoss).toBeLessThanOrEqual(2.6);
    // Every grid budget below C was planned: 32 per decade from 1 core hour.
    expect(result.byPlanner.plansEvaluated).toBeGreaterThanOrEqual(Math.floor(Math.log10(C) * 32) + 1);
  });

  it("the source states the scan and the direction; the frontier only for a loss with the paper's law", () => {
    const loss = budgetForTarget(context, { target: { jftValidationLoss: 2.6 } });
    const frontier = loss.frontierPowerLaw;
    expect(frontier?.method).toBe('frontier_power_law');
    expect(loss.source).toBe(
      `byLaw: ${loss.byLaw.source}. frontierPowerLaw: ${frontier?.source}. byPlanner: the smallest budget, found by a 32-per-decade log scan of 1 to 1000000000 TPU-v4 core hours and bisection, whose plan's predicted JFT-4B loss is at or below the target`,
    );
    expect(loss.agreement.byLawOverByPlanner).toBeCloseTo(
      loss.byLaw.tpuV4CoreHours / loss.byPlanner.tpuV4CoreHours,
      12,
    );
    expect(loss.agreement.frontierPowerLawOverByPlanner).toBeCloseTo(
      (frontier?.tpuV4CoreHours as number) / loss.byPlanner.tpuV4CoreHours,
      12,
    );
    const top1 = budgetForTarget(context, { target: { imagenetTop1Percent: 88 } });
    expect('frontierPowerLaw' in top1).toBe(false);
    expect('frontierPowerLawOverByPlanner' in top1.agreement).toBe(false);
    expect(top1.source).toMatch(
      /^byLaw: .*\. byPlanner: .*whose plan's predicted ImageNet top-1 is at or above the target$/,
    );
    const mine = budgetForTarget(context, { target: { jftValidationLoss: 2.6 }, law: { coefficients: LAW } });
    expect('frontierPowerLaw' in mine).toBe(false);
  });
});

describe('a target no accepted budget reaches', () => {
  it('a loss: the message and detail give the best plan, at 1e9 core hours', () => {
    const best = plan(context, { budget: { amount: 1e9, unit: 'tpu_v4_core_hours' } }).recommendation
      .predicted;
    const target = (context.laws.jftLoss.coefficients.E + best.jftValidationLoss) / 2;
    const error = thrown(() => budgetForTarget(context, { target: { jftValidationLoss: target } }));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect(error.message).toBe(
      `no plan up to the largest accepted budget (1e+9 TPU-v4 core hours) reaches the target; the best found is a loss of ${best.jftValidationLoss.toPrecision(4)} at 1.00e+9 core hours`,
    );
    expect((error as InfeasibleError).detail).toEqual({
      target: { jftValidationLoss: target },
      reachableLimit: { jftValidationLoss: best.jftValidationLoss, tpuV4CoreHours: 1e9 },
      maxBudgetTpuV4CoreHours: 1e9,
    });
  });

  it('a top-1: the same, in top-1', () => {
    const best = plan(context, {
      budget: { amount: 1e9, unit: 'tpu_v4_core_hours' },
      objective: 'imagenet_top1',
    }).recommendation.predicted;
    const limit = 100 - context.laws.finetune.coefficients.E;
    const target = (best.imagenetTop1Percent + limit) / 2;
    const error = thrown(() => budgetForTarget(context, { target: { imagenetTop1Percent: target } }));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect(error.message).toBe(
      `no plan up to the largest accepted budget (1e+9 TPU-v4 core hours) reaches the target; the best found is ${best.imagenetTop1Percent.toPrecision(4)}% top-1 at 1.00e+9 core hours`,
    );
    expect((error as InfeasibleError).detail).toEqual({
      target: { imagenetTop1Percent: target },
      reachableLimit: { imagenetTop1Percent: best.imagenetTop1Percent, tpuV4CoreHours: 1e9 },
      maxBudgetTpuV4CoreHours: 1e9,
    });
  });
});

describe("the interval on byLaw's budget", () => {
  let withEnsemble: PlannerContext;
  beforeAll(() => {
    withEnsemble = createPlannerContext(context.laws, fitLawEnsemble(context.laws));
  });

  it("with the paper's ensemble: around the point, narrower at a lower level; none without an ensemble", () => {
    for (const target of [{ jftValidationLoss: 2.6 }, { imagenetTop1Percent: 88 }]) {
      const wide = budgetForTarget(withEnsemble, { target }).byLaw;
      const narrow = budgetForTarget(withEnsemble, { target, intervalLevel: 0.5 }).byLaw;
      const w = wide.tpuV4CoreHoursInterval;
      const n = narrow.tpuV4CoreHoursInterval;
      expect(w?.lower).toBeLessThan(wide.tpuV4CoreHours);
      expect(w?.upper).toBeGreaterThan(wide.tpuV4CoreHours);
      expect(n?.lower).toBeGreaterThan(w?.lower as number);
      expect(n?.upper).toBeLessThan(w?.upper as number);
      expect(budgetForTarget(context, { target }).byLaw.tpuV4CoreHoursInterval).toBeUndefined();
    }
  });

  it("a caller's law: its own ensemble (fits all equal to it give the point), none without one", () => {
    const ensemble = {
      leaveOneModelOut: ['a', 'b', 'c', 'd'].map((heldOut) => ({ heldOut, coefficients: LAW })),
      residualLogSd: 0.1,
    };
    const own = budgetForTarget(withEnsemble, {
      target: { jftValidationLoss: 2.6 },
      law: { coefficients: LAW, ensemble },
    }).byLaw;
    expect(own.tpuV4CoreHoursInterval?.lower).toBeCloseTo(own.tpuV4CoreHours, 6);
    expect(own.tpuV4CoreHoursInterval?.upper).toBeCloseTo(own.tpuV4CoreHours, 6);
    const none = budgetForTarget(withEnsemble, {
      target: { jftValidationLoss: 2.6 },
      law: { coefficients: LAW },
    });
    expect(none.byLaw.tpuV4CoreHoursInterval).toBeUndefined();
  });
});
