/**
 * POST /v1/targets in the core: the smallest budget whose plan reaches a quality target, through the planner itself
 * (which chooses among the 16 NFNet variants and so does not improve smoothly with the budget), beside the same
 * surface's continuous compute-optimal curve (lawBudget.ts) and, for a loss, the paper's frontier power law, with how
 * far each is from the planner's answer.
 */

import { FACTS } from '../dataset/facts.js';
import { InfeasibleError, PlannerInputError } from '../errors.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import { predict } from '../planner/configuration.js';
import type { LossSurface, PlannerContext } from '../planner/context.js';
import { type Plan, planChecked } from '../planner/plan.js';
import { checkLaw, checkSettings, type Objective, type PlanRequest } from '../planner/request.js';
import { DEFAULT_INTERVAL_LEVEL, type Interval } from '../uncertainty/intervals.js';
import { mixMembers } from '../uncertainty/lawEnsemble.js';
import {
  MAX_BUDGET_TPU_V4_CORE_HOURS,
  MIN_BUDGET_TPU_V4_CORE_HOURS,
  toTpuV4CoreHours,
} from '../units/budget.js';
import {
  computeOptimalTpuV4CoreHours,
  finetuneBudgetForTop1,
  frontierBudgetForLoss,
  type LawBudget,
  surfaceBudgetForLoss,
} from './lawBudget.js';
import { assertWithinAsymptote, meetsTarget, parseTarget, type Target, type TargetInput } from './target.js';

/** A plan request with a target in place of the budget. */
export interface TargetRequest extends Omit<PlanRequest, 'budget'> {
  readonly target: TargetInput;
}

/**
 * Budgets scanned per factor of ten. A method choice: 32 per decade puts neighbours 7.5% apart, closer than the
 * per-epoch costs of most adjacent variants, so at most one model switch falls between two grid budgets; the scan
 * over the accepted range (1 to 1e9 core hours) is 289 plans, about 0.15 s.
 */
export const SCAN_POINTS_PER_DECADE = 32;
/** Bisection steps: each halves a log-width of at most ln 10 / 32, so 60 reach double precision. */
export const MAX_BISECTION_STEPS = 60;
/** Bisection stops when the bracket's budgets differ by this fraction or less. */
export const BUDGET_RELATIVE_TOLERANCE = 1e-12;

export interface PlannerBudget {
  /** The smallest budget found whose plan meets the target. */
  readonly tpuV4CoreHours: number;
  /**
   * How the prediction crosses the target there: continuously (it equals the target), at a model switch (just
   * below, the planner picks another model that falls short), or already at the smallest accepted budget.
   */
  readonly crossing: 'continuous' | 'model_switch' | 'smallest_budget';
  /** Plans evaluated by the search. */
  readonly plansEvaluated: number;
  readonly plan: Plan;
}

export interface BudgetForTarget {
  readonly target: Target;
  readonly objective: Objective;
  /** The surface the planner plans with, on its continuous compute-optimal curve. */
  readonly byLaw: LawBudget & { readonly tpuV4CoreHoursInterval?: Interval };
  readonly byPlanner: PlannerBudget;
  /** Loss targets: the frontier power law's budget (the paper's log-log claim), for comparison. */
  readonly frontierPowerLaw?: LawBudget;
  /** Each law's budget over the planner's: 1 is agreement. */
  readonly agreement: {
    readonly byLawOverByPlanner: number;
    readonly frontierPowerLawOverByPlanner?: number;
  };
  readonly source: string;
}

interface Probe {
  readonly tpuV4CoreHours: number;
  /** Undefined when no allowed model trains within the constraints at this budget. */
  readonly plan?: Plan;
  readonly meets: boolean;
}

/**
 * Smallest budget for a target. The objective defaults to the target's (jft_loss for a loss, imagenet_top1 for top-1).
 *
 * (a) byLaw: the surface the planner uses (the JFT-4B loss surface for a loss, the fine-tuning surface for top-1) on
 *     its compute-optimal curve, inverted in closed form (lawBudget.ts): the planner's own law without the discrete
 *     model choice, so the two differ only by that choice. For a loss (with the paper's law), also the frontier's
 *     inverse C = (L / a)^(-1/b), the paper's log-log claim.
 * (b) byPlanner: the plan's prediction is monotone in C while the recommended model stays the same (more epochs of
 *     one model only help), and jumps where the model switches, up or down. So: plan at budgets on a log grid
 *     (SCAN_POINTS_PER_DECADE) from the smallest to the largest accepted budget; at the first grid budget that meets
 *     the target, bisect in log C between it and its predecessor. Where the model switches between two grid budgets
 *     that both fall short, the earlier model could dip below the target just before the switch: its prediction at
 *     the later budget (planner.predict) says whether it does, and if so the switch is found by bisection and the
 *     window searched. Deterministic, at most (grid + 2 x MAX_BISECTION_STEPS x switches) plans.
 *
 * Throws InfeasibleError, with the reachable limit in its detail, for a loss at or below the fitted irreducible loss
 * E, a top-1 at or above 100 - E of the fine-tuning law (or above 100), or a target no accepted budget reaches.
 */
export function budgetForTarget(context: PlannerContext, request: TargetRequest): BudgetForTarget {
  if (typeof request !== 'object' || request === null)
    throw new PlannerInputError('target', 'the request must be an object with a target');
  const target = parseTarget(request.target);
  const objective: Objective =
    request.objective ?? (target.kind === 'jft_validation_loss' ? 'jft_loss' : 'imagenet_top1');
  // The gate: the settings a plan shares and the law, checked once; every plan of the search below trusts them.
  const { target: _target, law, ...settings } = request;
  const normalized = checkSettings(context, { ...settings, objective });
  const { surface, customLaw } = checkLaw(context, law);
  assertWithinAsymptote(target, surface.coefficients, context.laws.finetune.coefficients);
  const planAt = (tpuV4CoreHours: number): Plan =>
    planChecked(context, {
      ...normalized,
      surface,
      customLaw,
      budget: toTpuV4CoreHours({ amount: tpuV4CoreHours, unit: 'tpu_v4_core_hours' }, context.laws.costModel),
    });

  const byLaw =
    target.kind === 'jft_validation_loss'
      ? surfaceBudgetForLoss(
          surface.coefficients,
          context.laws.costModel.flopsPowerLaw,
          target.jftValidationLoss,
        )
      : finetuneBudgetForTop1(
          context.laws.finetune.coefficients,
          context.laws.costModel.flopsPowerLaw,
          target.imagenetTop1Percent,
        );

  const byLawInterval = lawBudgetInterval(
    context,
    surface,
    target,
    request.intervalLevel ?? DEFAULT_INTERVAL_LEVEL,
  );
  const byLawWithInterval =
    byLawInterval === undefined ? byLaw : { ...byLaw, tpuV4CoreHoursInterval: byLawInterval };

  let plansEvaluated = 0;
  const probe = (tpuV4CoreHours: number): Probe => {
    plansEvaluated++;
    try {
      const p = planAt(tpuV4CoreHours);
      return { tpuV4CoreHours, plan: p, meets: meetsTarget(target, p.recommendation.predicted) };
    } catch (error) {
      if (error instanceof InfeasibleError) return { tpuV4CoreHours, meets: false };
      throw error;
    }
  };
  const modelOf = (p: Probe) => p.plan?.recommendation.model.name;
  /** Bisects in log C between a probe `lo` and a probe `hi` for the boundary of `inside` (false at lo, true at hi). */
  const bisect = (lo: Probe, hi: Probe, inside: (p: Probe) => boolean): [Probe, Probe] => {
    let low = lo;
    let high = hi;
    for (let step = 0; step < MAX_BISECTION_STEPS; step++) {
      if (high.tpuV4CoreHours / low.tpuV4CoreHours - 1 <= BUDGET_RELATIVE_TOLERANCE) break;
      const mid = probe(Math.sqrt(low.tpuV4CoreHours * high.tpuV4CoreHours));
      if (inside(mid)) high = mid;
      else low = mid;
    }
    return [low, high];
  };
  /** Would the earlier probe's model, kept, meet the target at the later probe's budget? */
  const earlierModelMeetsAt = (earlier: Probe, later: Probe): boolean => {
    const name = modelOf(earlier);
    if (name === undefined) return false;
    const model = context.byName[name];
    const epochs =
      later.tpuV4CoreHours /
      (model.costPerEpochTpuV4CoreHours * (normalized.datasetImages / FACTS.jftImages.value));
    if (epochs > normalized.maxEpochs) return true; // past its epoch bound: cannot tell, search the window
    return meetsTarget(target, predict(context, surface, model, epochs, normalized.datasetImages));
  };
  const frontierPowerLaw =
    target.kind === 'jft_validation_loss' && request.law === undefined
      ? frontierLawBudget(context, target.jftValidationLoss)
      : undefined;
  const answer = (found: Probe, crossing: PlannerBudget['crossing']): BudgetForTarget => ({
    target,
    objective,
    byLaw: byLawWithInterval,
    byPlanner: { tpuV4CoreHours: found.tpuV4CoreHours, crossing, plansEvaluated, plan: found.plan as Plan },
    ...(frontierPowerLaw === undefined ? {} : { frontierPowerLaw }),
    agreement: {
      byLawOverByPlanner: byLaw.tpuV4CoreHours / found.tpuV4CoreHours,
      ...(frontierPowerLaw === undefined
        ? {}
        : { frontierPowerLawOverByPlanner: frontierPowerLaw.tpuV4CoreHours / found.tpuV4CoreHours }),
    },
    source:
      `byLaw: ${byLaw.source}. ${frontierPowerLaw === undefined ? '' : `frontierPowerLaw: ${frontierPowerLaw.source}. `}byPlanner: the smallest budget, found by a ${SCAN_POINTS_PER_DECADE}-per-decade log scan ` +
      `of ${MIN_BUDGET_TPU_V4_CORE_HOURS} to ${MAX_BUDGET_TPU_V4_CORE_HOURS} TPU-v4 core hours and bisection, whose plan's ` +
      `predicted ${target.kind === 'jft_validation_loss' ? 'JFT-4B loss is at or below' : 'ImageNet top-1 is at or above'} the target`,
  });

  /** Within a bracket holding at most one model switch, whose earlier model falls short, `meets` is monotone. */
  const crossingIn = (lo: Probe, hi: Probe): BudgetForTarget => {
    const [low, high] = bisect(lo, hi, (p) => p.meets);
    return answer(high, modelOf(low) === modelOf(high) ? 'continuous' : 'model_switch');
  };

  const steps = Math.ceil(
    Math.log10(MAX_BUDGET_TPU_V4_CORE_HOURS / MIN_BUDGET_TPU_V4_CORE_HOURS) * SCAN_POINTS_PER_DECADE,
  );
  const ratio = (MAX_BUDGET_TPU_V4_CORE_HOURS / MIN_BUDGET_TPU_V4_CORE_HOURS) ** (1 / steps);
  let previous = probe(MIN_BUDGET_TPU_V4_CORE_HOURS);
  if (previous.meets) return answer(previous, 'smallest_budget');
  let best = previous;
  for (let k = 1; k <= steps; k++) {
    const budget = k === steps ? MAX_BUDGET_TPU_V4_CORE_HOURS : MIN_BUDGET_TPU_V4_CORE_HOURS * ratio ** k;
    const current = probe(budget);
    // A model switch inside the bracket: the earlier model may meet the target before the switch, even when the
    // later model, which the planner prefers from the switch on, starts above it.
    if (modelOf(previous) !== modelOf(current) && earlierModelMeetsAt(previous, current)) {
      const [beforeSwitch] = bisect(previous, current, (p) => modelOf(p) !== modelOf(previous));
      if (beforeSwitch.meets) return crossingIn(previous, beforeSwitch);
    }
    if (current.meets) return crossingIn(previous, current);
    if (current.plan !== undefined && (best.plan === undefined || better(target, current.plan, best.plan)))
      best = current;
    previous = current;
  }
  const reached = best.plan?.recommendation.predicted;
  throw new InfeasibleError(
    `no plan up to the largest accepted budget (${MAX_BUDGET_TPU_V4_CORE_HOURS.toExponential(0)} TPU-v4 core hours) reaches the target` +
      (reached === undefined
        ? ''
        : `; the best found is ${target.kind === 'jft_validation_loss' ? `a loss of ${reached.jftValidationLoss.toPrecision(4)}` : `${reached.imagenetTop1Percent.toPrecision(4)}% top-1`} at ${best.tpuV4CoreHours.toPrecision(3)} core hours`),
    {
      target:
        target.kind === 'jft_validation_loss'
          ? { jftValidationLoss: target.jftValidationLoss }
          : { imagenetTop1Percent: target.imagenetTop1Percent },
      reachableLimit:
        reached === undefined
          ? {}
          : target.kind === 'jft_validation_loss'
            ? { jftValidationLoss: reached.jftValidationLoss, tpuV4CoreHours: best.tpuV4CoreHours }
            : { imagenetTop1Percent: reached.imagenetTop1Percent, tpuV4CoreHours: best.tpuV4CoreHours },
      maxBudgetTpuV4CoreHours: MAX_BUDGET_TPU_V4_CORE_HOURS,
    },
  );
}

/** The frontier's budget, or none when the frontier law cannot reach the target (it may, where the surface cannot). */
function frontierLawBudget(context: PlannerContext, jftValidationLoss: number): LawBudget | undefined {
  try {
    return frontierBudgetForLoss(context.laws.frontier, jftValidationLoss);
  } catch (error) {
    if (error instanceof InfeasibleError) return undefined;
    throw error;
  }
}

/**
 * The ensemble's interval on byLaw's budget: the closed-form budget (computeOptimalTpuV4CoreHours) for the law and
 * for each fit without a model, in logs, mixed into the members (lawEnsemble.ts), and the level's percentile interval,
 * widened to contain the point. None when the context has no ensemble, a caller's law came without its own, or a fit
 * without some model cannot reach the target at all (the budget is then unbounded above).
 */
function lawBudgetInterval(
  context: PlannerContext,
  surface: LossSurface,
  target: Target,
  level: number,
): Interval | undefined {
  const uncertainty = context.uncertainty;
  if (uncertainty === undefined) return undefined;
  // A top-1 target is the paper's fine-tuning law's, whatever the loss law; a loss target needs the loss law's members.
  const own = target.kind === 'jft_validation_loss' ? surface.ensemble : undefined;
  const fits =
    target.kind !== 'jft_validation_loss'
      ? uncertainty.ensemble.finetune
      : (own?.fits ?? (surface === context.paperLossSurface ? uncertainty.ensemble.jftLoss : undefined));
  if (fits === undefined) return undefined;
  const ensemble = own ?? uncertainty.ensemble;
  const value =
    target.kind === 'jft_validation_loss' ? target.jftValidationLoss : 100 - target.imagenetTop1Percent;
  const costLaw = context.laws.costModel.flopsPowerLaw;
  const logBudget = (law: SurfaceCoefficients) => Math.log(computeOptimalTpuV4CoreHours(law, costLaw, value));
  const point = logBudget(fits.point);
  const without = fits.leaveOneOut.map((f) => logBudget(f.law));
  if (!Number.isFinite(point) || without.some((x) => !Number.isFinite(x))) return undefined;
  const members = new Float64Array(ensemble.memberCount);
  mixMembers(
    ensemble,
    fits.leaveOneOut.map((f) => f.model),
    point,
    without,
    members,
  );
  members.sort();
  const at = (p: number) => {
    const h = (members.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, members.length - 1);
    return (members[lo] as number) + (h - lo) * ((members[hi] as number) - (members[lo] as number));
  };
  return {
    lower: Math.exp(Math.min(at((1 - level) / 2), point)),
    upper: Math.exp(Math.max(at((1 + level) / 2), point)),
  };
}

function better(target: Target, a: Plan, b: Plan): boolean {
  const pa = a.recommendation.predicted;
  const pb = b.recommendation.predicted;
  return target.kind === 'jft_validation_loss'
    ? pa.jftValidationLoss < pb.jftValidationLoss
    : pa.imagenetTop1Percent > pb.imagenetTop1Percent;
}
