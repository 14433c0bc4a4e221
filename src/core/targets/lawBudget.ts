/**
 * The budget for a target read straight off a continuous law, with no discrete model choice: the frontier power law
 * for a JFT-4B loss target, the fine-tuning surface's compute-optimal curve for an ImageNet top-1 target.
 */

import { FACTS } from '../dataset/facts.js';
import { InfeasibleError } from '../errors.js';
import type { CostPowerLaw } from '../laws/allocation.js';
import { type FrontierLaw, isWithinFrontierRange, tpuV4CoreHoursForFrontierLoss } from '../laws/frontier.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import { MAX_BUDGET_TPU_V4_CORE_HOURS, MIN_BUDGET_TPU_V4_CORE_HOURS } from '../units/budget.js';

export interface LawBudget {
  readonly method: 'frontier_power_law' | 'finetune_compute_optimal';
  readonly tpuV4CoreHours: number;
  /** Whether the budget is one the planner accepts (1 to 1e9 TPU-v4 core hours). */
  readonly withinAcceptedBudgets: boolean;
  /** Whether the budget lies inside the compute range the law was fitted on (interpolation, not extrapolation). */
  readonly withinFittedRange: boolean;
  readonly source: string;
}

/**
 * Loss target: C = (L / a)^(-1/b), the inverse of the frontier L* = a C^-b fitted to Figure 2's lower envelope
 * (tpuV4CoreHoursForFrontierLoss).
 */
export function frontierBudgetForLoss(
  frontier: Pick<FrontierLaw, 'a' | 'b' | 'grid'>,
  targetJftValidationLoss: number,
): LawBudget {
  const tpuV4CoreHours = tpuV4CoreHoursForFrontierLoss(
    frontier,
    targetJftValidationLoss,
    'target.jftValidationLoss',
  );
  return {
    method: 'frontier_power_law',
    tpuV4CoreHours,
    withinAcceptedBudgets: isAccepted(tpuV4CoreHours),
    withinFittedRange: isWithinFrontierRange(frontier, tpuV4CoreHours),
    source: `C = (L / a)^(-1/b) with a = ${frontier.a.toPrecision(4)}, b = ${frontier.b.toPrecision(4)}: the frontier L* = a C^-b fitted to the lower envelope of Figure 2`,
  };
}

/**
 * Top-1 target: the budget at which the fine-tuning error surface, allocated compute-optimally over a continuum of
 * model sizes, reaches error e = 100 - target. On the optimum (allocation.ts: alpha A F^-alpha = g beta B D^-beta
 * along the budget line D = N C / (c F^g)) the error is e = E + A F*^-alpha (1 + alpha / (g beta)), so
 *   F* = [A (1 + alpha / (g beta)) / (e - E)]^(1/alpha),
 * and inverting F* = [alpha A / (g beta B)]^(1/(alpha + g beta)) (N C / c)^(beta / (alpha + g beta)):
 *   C = (c / N) F*^((alpha + g beta) / beta) [g beta B / (alpha A)]^(1/beta).
 * Computed in logs. N = JFT-4B images (stated), k = c F^g the cost law per JFT-4B epoch. The fitted range is that of
 * Figure 1's runs (FACTS.budgetMin/MaxTpuV4CoreHours, the paper's compute range).
 */
export function finetuneBudgetForTop1(
  finetuneError: SurfaceCoefficients,
  costLaw: CostPowerLaw,
  targetImagenetTop1Percent: number,
): LawBudget {
  const { E, A, B, alpha, beta } = finetuneError;
  const { coefficient: c, exponent: g } = costLaw;
  const excess = 100 - targetImagenetTop1Percent - E;
  if (!(excess > 0 && alpha > 0 && beta > 0 && g > 0))
    throw new InfeasibleError(
      `an ImageNet top-1 of ${targetImagenetTop1Percent}% is beyond the fine-tuning law's compute-optimal curve`,
      {
        target: { imagenetTop1Percent: targetImagenetTop1Percent },
        reachableLimit: { imagenetTop1PercentBelow: 100 - E },
      },
    );
  const logFlops = (Math.log(A) + Math.log1p(alpha / (g * beta)) - Math.log(excess)) / alpha;
  const logC =
    Math.log(c / FACTS.jftImages.value) +
    ((alpha + g * beta) / beta) * logFlops +
    Math.log((g * beta * B) / (alpha * A)) / beta;
  const tpuV4CoreHours = Math.exp(logC);
  if (!Number.isFinite(tpuV4CoreHours) || tpuV4CoreHours <= 0)
    throw new InfeasibleError(
      `an ImageNet top-1 of ${targetImagenetTop1Percent}% needs a budget beyond numeric range on the fine-tuning law`,
      { target: { imagenetTop1Percent: targetImagenetTop1Percent } },
    );
  return {
    method: 'finetune_compute_optimal',
    tpuV4CoreHours,
    withinAcceptedBudgets: isAccepted(tpuV4CoreHours),
    withinFittedRange:
      tpuV4CoreHours >= FACTS.budgetMinTpuV4CoreHours.value &&
      tpuV4CoreHours <= FACTS.budgetMaxTpuV4CoreHours.value,
    source:
      'closed-form inverse of the fine-tuning error surface (Figure 1 fit) at its compute-optimal allocation over a ' +
      `continuum of model sizes, under the cost law cost per epoch ~ F^${g.toPrecision(3)}; no frontier law is fitted to top-1`,
  };
}

function isAccepted(tpuV4CoreHours: number): boolean {
  return tpuV4CoreHours >= MIN_BUDGET_TPU_V4_CORE_HOURS && tpuV4CoreHours <= MAX_BUDGET_TPU_V4_CORE_HOURS;
}
