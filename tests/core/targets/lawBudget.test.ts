/**
 * The budget read off a continuous law. Oracle: a round trip through a separate module — allocate a budget C
 * compute-optimally (laws/allocation.ts, fittedAllocation), evaluate the surface there (predictedValue, the surface at
 * F* and D*), and ask the closed-form inverse for the budget that reaches that value: it must be C again. Also the
 * documented ranges (accepted budgets 1 to 1e9 core hours; the paper's 400 to 110,000) and the asymptote E.
 */
import { describe, expect, it } from 'vitest';
import { InfeasibleError } from '../../../src/core/errors.js';
import { type CostPowerLaw, fittedAllocation } from '../../../src/core/laws/allocation.js';
import type { SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import {
  computeOptimalTpuV4CoreHours,
  finetuneBudgetForTop1,
  surfaceBudgetForLoss,
} from '../../../src/core/targets/lawBudget.js';

const COST_LAW: CostPowerLaw = { coefficient: 2e-8, exponent: 1.1 } as CostPowerLaw;
const SURFACE: SurfaceCoefficients = { E: 1.6, A: 3e4, B: 2e3, alpha: 0.45, beta: 0.35 };
const JOINT: SurfaceCoefficients = { ...SURFACE, gamma: 0.8 };

function thrown(run: () => unknown): InfeasibleError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InfeasibleError);
    return error as InfeasibleError;
  }
  throw new Error('expected an InfeasibleError, got none');
}

describe('computeOptimalTpuV4CoreHours: the inverse of the compute-optimal allocation', () => {
  it.each([
    ['the additive form', SURFACE],
    ['the joint form (gamma 0.8)', JOINT],
  ])('%s: the budget whose optimum reaches v is the budget that was allocated', (_, surface) => {
    for (const C of [10, 1e3, 5e4, 1e7]) {
      const v = fittedAllocation(surface, COST_LAW, C).predictedValue;
      expect(computeOptimalTpuV4CoreHours(surface, COST_LAW, v) / C).toBeCloseTo(1, 9);
    }
  });

  it('no optimum: a value at or below E, or exponents that are not positive, give NaN', () => {
    expect(computeOptimalTpuV4CoreHours(SURFACE, COST_LAW, 1.6)).toBeNaN();
    expect(computeOptimalTpuV4CoreHours(SURFACE, COST_LAW, 1.5)).toBeNaN();
    for (const bad of [{ alpha: 0 }, { beta: 0 }, { gamma: 0 }])
      expect(computeOptimalTpuV4CoreHours({ ...SURFACE, ...bad }, COST_LAW, 3)).toBeNaN();
    expect(computeOptimalTpuV4CoreHours(SURFACE, { ...COST_LAW, exponent: 0 }, 3)).toBeNaN();
    expect(computeOptimalTpuV4CoreHours(SURFACE, COST_LAW, 1.6001)).toBeGreaterThan(0);
  });
});

describe('surfaceBudgetForLoss', () => {
  it("the budget, and whether it is accepted (1 to 1e9) and inside the paper's range (400 to 110,000)", () => {
    const at = (C: number) =>
      surfaceBudgetForLoss(SURFACE, COST_LAW, fittedAllocation(SURFACE, COST_LAW, C).predictedValue);
    const inside = at(5_000);
    expect(inside.method).toBe('surface_compute_optimal');
    expect(inside.tpuV4CoreHours / 5_000).toBeCloseTo(1, 9);
    expect(inside).toMatchObject({ withinAcceptedBudgets: true, withinFittedRange: true });
    expect(at(200)).toMatchObject({ withinAcceptedBudgets: true, withinFittedRange: false });
    expect(at(500_000)).toMatchObject({ withinAcceptedBudgets: true, withinFittedRange: false });
    expect(at(0.5)).toMatchObject({ withinAcceptedBudgets: false, withinFittedRange: false });
    expect(at(5e9)).toMatchObject({ withinAcceptedBudgets: false, withinFittedRange: false });
    expect(inside.source).toMatch(/under the cost law cost per epoch ~ F\^1\.10$/);
  });

  it('a loss at or below E is beyond the curve: infeasible, with E as the limit', () => {
    const error = thrown(() => surfaceBudgetForLoss(SURFACE, COST_LAW, 1.6));
    expect(error.message).toBe("a JFT-4B loss of 1.6 is beyond the loss surface's compute-optimal curve");
    expect(error.detail).toEqual({
      target: { jftValidationLoss: 1.6 },
      reachableLimit: { jftValidationLossAbove: 1.6 },
    });
  });
});

describe('finetuneBudgetForTop1', () => {
  const FINETUNE: SurfaceCoefficients = { E: 8, A: 2e3, B: 300, alpha: 0.3, beta: 0.25 };

  it('top-1 t is an error of 100 - t on the fine-tuning surface', () => {
    const error = fittedAllocation(FINETUNE, COST_LAW, 20_000).predictedValue;
    const budget = finetuneBudgetForTop1(FINETUNE, COST_LAW, 100 - error);
    expect(budget.method).toBe('finetune_compute_optimal');
    expect(budget.tpuV4CoreHours / 20_000).toBeCloseTo(1, 9);
    expect(budget).toMatchObject({ withinAcceptedBudgets: true, withinFittedRange: true });
    expect(budget.source).toMatch(/no frontier law is fitted to top-1$/);
  });

  it('a top-1 at or above 100 - E is beyond the curve: infeasible, with 100 - E as the limit', () => {
    for (const top1 of [92, 95]) {
      const error = thrown(() => finetuneBudgetForTop1(FINETUNE, COST_LAW, top1));
      expect(error.message).toBe(
        `an ImageNet top-1 of ${top1}% is beyond the fine-tuning law's compute-optimal curve`,
      );
      expect(error.detail).toEqual({
        target: { imagenetTop1Percent: top1 },
        reachableLimit: { imagenetTop1PercentBelow: 92 },
      });
    }
    expect(() => finetuneBudgetForTop1(FINETUNE, COST_LAW, 91.9)).not.toThrow();
    for (const bad of [{ alpha: 0 }, { beta: 0 }])
      expect(() => finetuneBudgetForTop1({ ...FINETUNE, ...bad }, COST_LAW, 85)).toThrow(InfeasibleError);
    expect(() => finetuneBudgetForTop1(FINETUNE, { ...COST_LAW, exponent: 0 }, 85)).toThrow(InfeasibleError);
  });

  it('a size exponent so small that the budget overflows a double: infeasible, beyond numeric range', () => {
    // ln F* is about (ln 2000 + ln(1 / 0.1)) / 0.01 = 990, and ln C about 1.14 times that: e^1130 is no double.
    const error = thrown(() => finetuneBudgetForTop1({ ...FINETUNE, alpha: 0.01 }, COST_LAW, 91.9));
    expect(error.message).toMatch(/needs a budget beyond numeric range on the fine-tuning law$/);
    expect(error.detail).toEqual({ target: { imagenetTop1Percent: 91.9 } });
  });
});
