/**
 * The budget for a target read straight off a continuous law, with no discrete model choice: the selected surface's
 * compute-optimal curve (the JFT-4B loss surface for a loss target, the fine-tuning surface for a top-1 target), the
 * same surfaces the planner plans with; and, for a loss, the frontier power law fitted to Figure 2's lower envelope,
 * the paper's log-log claim, kept beside it.
 */

import { FACTS } from '../dataset/facts.js';
import { InfeasibleError } from '../errors.js';
import type { CostPowerLaw } from '../laws/allocation.js';
import { type FrontierLaw, isWithinFrontierRange, tpuV4CoreHoursForFrontierLoss } from '../laws/frontier.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import { MAX_BUDGET_TPU_V4_CORE_HOURS, MIN_BUDGET_TPU_V4_CORE_HOURS } from '../units/budget.js';

export interface LawBudget {
  readonly method: 'surface_compute_optimal' | 'frontier_power_law' | 'finetune_compute_optimal';
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
 * The budget at which a surface, allocated compute-optimally over a continuum of model sizes, reaches value v (a loss,
 * or a top-1 error). On the optimum (allocation.ts: alpha A F^-alpha = g beta B D^-beta along the budget line
 * D = N C / (c F^g), the same for the joint form since (.)^gamma is increasing) the inner sum is
 * A F*^-alpha (1 + alpha / (g beta)), so v = E + [A F*^-alpha (1 + alpha / (g beta))]^gamma gives
 *   F* = [A (1 + alpha / (g beta)) / (v - E)^(1/gamma)]^(1/alpha),
 * and inverting F* = [alpha A / (g beta B)]^(1/(alpha + g beta)) (N C / c)^(beta / (alpha + g beta)):
 *   C = (c / N) F*^((alpha + g beta) / beta) [g beta B / (alpha A)]^(1/beta).
 * Computed in logs; gamma = 1 when absent. N = JFT-4B images (stated), k = c F^g the cost law per JFT-4B epoch.
 * Returns NaN when v is at or below E or the exponents do not allow an optimum.
 */
export function computeOptimalTpuV4CoreHours(
  surface: SurfaceCoefficients,
  costLaw: CostPowerLaw,
  value: number,
): number {
  const { E, A, B, alpha, beta } = surface;
  const gamma = surface.gamma ?? 1;
  const { coefficient: c, exponent: g } = costLaw;
  const excess = value - E;
  if (!(excess > 0 && alpha > 0 && beta > 0 && g > 0 && gamma > 0)) return Number.NaN;
  const logFlops = (Math.log(A) + Math.log1p(alpha / (g * beta)) - Math.log(excess) / gamma) / alpha;
  const logC =
    Math.log(c / FACTS.jftImages.value) +
    ((alpha + g * beta) / beta) * logFlops +
    Math.log((g * beta * B) / (alpha * A)) / beta;
  return Math.exp(logC);
}

/** Whether a budget lies in the paper's compute range (FACTS.budgetMin/MaxTpuV4CoreHours), which both figures span. */
function withinPaperRange(tpuV4CoreHours: number): boolean {
  return (
    tpuV4CoreHours >= FACTS.budgetMinTpuV4CoreHours.value &&
    tpuV4CoreHours <= FACTS.budgetMaxTpuV4CoreHours.value
  );
}

/**
 * Loss target: the budget at which the JFT-4B loss surface the planner uses (the selected paper law, or the caller's)
 * reaches the target on its compute-optimal curve (computeOptimalTpuV4CoreHours).
 */
export function surfaceBudgetForLoss(
  jftLoss: SurfaceCoefficients,
  costLaw: CostPowerLaw,
  targetJftValidationLoss: number,
): LawBudget {
  const tpuV4CoreHours = computeOptimalTpuV4CoreHours(jftLoss, costLaw, targetJftValidationLoss);
  if (!(Number.isFinite(tpuV4CoreHours) && tpuV4CoreHours > 0))
    throw new InfeasibleError(
      `a JFT-4B loss of ${targetJftValidationLoss} is beyond the loss surface's compute-optimal curve`,
      {
        target: { jftValidationLoss: targetJftValidationLoss },
        reachableLimit: { jftValidationLossAbove: jftLoss.E },
      },
    );
  return {
    method: 'surface_compute_optimal',
    tpuV4CoreHours,
    withinAcceptedBudgets: isAccepted(tpuV4CoreHours),
    withinFittedRange: withinPaperRange(tpuV4CoreHours),
    source:
      'closed-form inverse of the JFT-4B loss surface the planner uses at its compute-optimal allocation over a ' +
      `continuum of model sizes, under the cost law cost per epoch ~ F^${costLaw.exponent.toPrecision(3)}`,
  };
}

/**
 * Top-1 target: the budget at which the fine-tuning error surface reaches error 100 - target on its compute-optimal
 * curve (computeOptimalTpuV4CoreHours). The fitted range is that of Figure 1's runs (the paper's compute range).
 */
export function finetuneBudgetForTop1(
  finetuneError: SurfaceCoefficients,
  costLaw: CostPowerLaw,
  targetImagenetTop1Percent: number,
): LawBudget {
  const error = 100 - targetImagenetTop1Percent;
  if (
    !(
      error - finetuneError.E > 0 &&
      finetuneError.alpha > 0 &&
      finetuneError.beta > 0 &&
      costLaw.exponent > 0
    )
  )
    throw new InfeasibleError(
      `an ImageNet top-1 of ${targetImagenetTop1Percent}% is beyond the fine-tuning law's compute-optimal curve`,
      {
        target: { imagenetTop1Percent: targetImagenetTop1Percent },
        reachableLimit: { imagenetTop1PercentBelow: 100 - finetuneError.E },
      },
    );
  const tpuV4CoreHours = computeOptimalTpuV4CoreHours(finetuneError, costLaw, error);
  if (!Number.isFinite(tpuV4CoreHours) || tpuV4CoreHours <= 0)
    throw new InfeasibleError(
      `an ImageNet top-1 of ${targetImagenetTop1Percent}% needs a budget beyond numeric range on the fine-tuning law`,
      { target: { imagenetTop1Percent: targetImagenetTop1Percent } },
    );
  return {
    method: 'finetune_compute_optimal',
    tpuV4CoreHours,
    withinAcceptedBudgets: isAccepted(tpuV4CoreHours),
    withinFittedRange: withinPaperRange(tpuV4CoreHours),
    source:
      'closed-form inverse of the fine-tuning error surface (Figure 1 fit) at its compute-optimal allocation over a ' +
      `continuum of model sizes, under the cost law cost per epoch ~ F^${costLaw.exponent.toPrecision(3)}; no frontier law is fitted to top-1`,
  };
}

function isAccepted(tpuV4CoreHours: number): boolean {
  return tpuV4CoreHours >= MIN_BUDGET_TPU_V4_CORE_HOURS && tpuV4CoreHours <= MAX_BUDGET_TPU_V4_CORE_HOURS;
}
