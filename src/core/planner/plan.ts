/**
 * plan(): a budget in, a training run out. The ideal allocation (ideal.ts) and the runs the budget affords with the
 * strategy's pick among them (pick.ts) come together here with the ensemble's pick shares, the alternatives a
 * scheduler may prefer, the warnings and the provenance of every number.
 */
import { InfeasibleError } from '../errors.js';
import { pickShares, pickSharesOfMembers } from '../uncertainty/pickShares.js';
import type { PlannerUncertainty } from '../uncertainty/plannerUncertainty.js';
import { SurfaceMemberRows } from '../uncertainty/surfaceMemberRows.js';
import { configurationsThatCanWin } from '../uncertainty/surfaceMembers.js';
import type { ConvertedBudget } from '../units/budget.js';
import type { ResolvedHardware } from '../units/hardware.js';
import {
  describeConfiguration,
  MAX_JFT_VALIDATION_LOSS,
  type TrainingConfiguration,
} from './configuration.js';
import type { LossSurface, PlannerContext } from './context.js';
import { type EpochWindow, type IdealAllocation, idealAllocation, idealIntervals } from './ideal.js';
import { type Candidate, candidatesFor, nearTieTolerance, type PickState, pickBy, spendOf } from './pick.js';
import { type ConfigurationProvenance, configurationProvenance, PAPER_CITATION } from './provenance.js';
import {
  type CheckedPlanRequest,
  checkPlanRequest,
  type Objective,
  type PlanRequest,
  type Strategy,
} from './request.js';
import { collectWarnings, type PlanWarning } from './warnings.js';

export interface Alternative extends TrainingConfiguration {
  readonly reason:
    | 'smaller_neighbour'
    | 'larger_neighbour'
    | 'other_strategy'
    | 'other_objective'
    | 'best_predicted'
    | 'runner_up';
  readonly strategy: Strategy;
  readonly objective: Objective;
}

/** How the plan's intervals and pick shares were made, stated once. */
export interface PlanUncertainty {
  /** Level of every confidence and prediction interval in the plan. */
  readonly level: number;
  readonly members: number;
  readonly seed: number;
  readonly resampling: string;
}

/**
 * The statement of how a response's intervals were made: by the paper's laws' ensemble, or with a caller's law by its
 * own for the JFT loss beside the paper's for top-1 (same seed and member count).
 */
export function planUncertainty(
  uncertainty: PlannerUncertainty,
  level: number,
  surface?: LossSurface,
): PlanUncertainty {
  const own = surface?.ensemble;
  return {
    level,
    members: uncertainty.grid.members,
    seed: uncertainty.ensemble.seed,
    resampling:
      own === undefined
        ? uncertainty.ensemble.resampling
        : `JFT loss: ${own.resampling}; ImageNet top-1: the paper's fine-tuning law's ensemble, ${uncertainty.ensemble.resampling}`,
  };
}

/**
 * Each candidate's share of members under which it is the best: from the paper's laws' table, or from a caller's
 * law's own members (`rows`). Those are computed for the candidates that can win under some member: one that
 * another beats under every member (configurationsThatCanWin, from the fits alone) wins under none, and its members
 * are computed only if the plan describes it.
 */
function sharesOf(
  uncertainty: PlannerUncertainty,
  surface: LossSurface,
  objective: Objective,
  candidates: readonly Candidate[],
  datasetImages: number,
  rows: SurfaceMemberRows | undefined,
): Float64Array {
  const own = surface.ensemble;
  if (own === undefined || rows === undefined)
    return pickShares(
      uncertainty.grid,
      objective === 'jft_loss' ? 'jftLoss' : 'finetune',
      candidates.map((c) => ({
        variant: uncertainty.grid.variantIndex.get(c.model.name) as number,
        imagesSeen: c.epochs * datasetImages,
      })),
    );
  const summaries = candidates.map((_, i) => rows.summary(i));
  configurationsThatCanWin(own, own.models, summaries, MAX_JFT_VALIDATION_LOSS).forEach((canWin, i) => {
    if (canWin) rows.row(i);
  });
  return pickSharesOfMembers(rows.computed());
}

export interface Plan {
  readonly uncertainty?: PlanUncertainty;
  readonly budget: Pick<ConvertedBudget, 'tpuV4CoreHours' | 'requested' | 'basis' | 'trainingFlops'>;
  readonly objective: Objective;
  readonly strategy: Strategy;
  readonly ideal: IdealAllocation;
  readonly recommendation: TrainingConfiguration;
  readonly alternatives: Alternative[];
  readonly hardware?: ResolvedHardware;
  readonly warnings: PlanWarning[];
  readonly provenance: PlanProvenance;
}

export interface PlanProvenance extends ConfigurationProvenance {
  readonly paper: string;
  readonly budget: string;
  readonly ideal: string;
  readonly pick: string;
  readonly hardware?: string;
}

/** The candidate with the largest share after the chosen one, when it has any share at all. */
function runnerUpOf(
  candidates: readonly Candidate[],
  shares: Float64Array,
  chosen: Candidate,
): Candidate | undefined {
  let runnerUp: Candidate | undefined;
  let most = 0;
  candidates.forEach((c, i) => {
    if (c !== chosen && (shares[i] as number) > most) {
      most = shares[i] as number;
      runnerUp = c;
    }
  });
  return runnerUp;
}

/** What one plan() call works on, passed to the pickers and describers instead of closing over it. */
interface PlanState extends PickState {
  /** Each candidate's share of ensemble members under which it is the best, when the laws have an ensemble. */
  readonly shares?: Float64Array;
  /** With a caller's law that has an ensemble: each candidate's members, computed when first needed. */
  readonly memberRows?: SurfaceMemberRows;
}

function describeCandidate(state: PlanState, c: Candidate): TrainingConfiguration {
  const index = state.candidates.indexOf(c);
  const members = state.memberRows?.row(index);
  const configuration = describeConfiguration(
    state.context,
    state.surface,
    c.model,
    c.epochs,
    state.request,
    c.predicted,
    members,
  );
  if (state.shares === undefined) return configuration;
  return Object.assign(configuration, { pickShare: state.shares[index] as number });
}

function alternativeOf(
  state: PlanState,
  c: Candidate,
  reason: Alternative['reason'],
  strategy: Strategy,
  objective: Objective,
): Alternative {
  return Object.assign(describeCandidate(state, c), { reason, strategy, objective });
}

/**
 * Plans a pre-training run for a budget: convert the budget; train every allowed variant on it for the epochs it
 * affords (at each model's own cost, in the budget's own unit) within the epoch constraints; pick one (equalRatePick
 * or fittedPick); describe it (learning rate and trials, steps, predictions, fine-tuning cost, wall clock and price);
 * list the size neighbours and the other strategy's and objective's picks; add warnings and provenance. Pure; the
 * context holds the fitted laws.
 */
export function plan(context: PlannerContext, request: PlanRequest): Plan {
  return planChecked(context, checkPlanRequest(context, request));
}

/** plan() on a request checkPlanRequest has passed: nothing here checks input again. */
export function planChecked(context: PlannerContext, normalized: CheckedPlanRequest): Plan {
  const { budget, surface, customLaw, objective, strategy, datasetImages } = normalized;
  if (customLaw && objective === 'imagenet_top1')
    throw new InfeasibleError(
      "law is a JFT-4B loss surface, but objective imagenet_top1 is predicted by the paper's fine-tuning law, which your runs do not calibrate; plan with objective jft_loss, or drop law",
      { field: 'law', objective },
    );
  const C = budget.tpuV4CoreHours;
  const spend = spendOf(budget, datasetImages);
  const window: EpochWindow = normalized;

  const candidates = candidatesFor(context, surface, normalized, spend);
  if (candidates.length === 0) {
    throw new InfeasibleError(
      `no allowed model trains at least ${normalized.minEpochs} epochs on ${C.toPrecision(4)} TPU-v4 core hours; lower constraints.minEpochs or widen constraints.models`,
      { tpuV4CoreHours: C, minEpochs: normalized.minEpochs },
    );
  }

  // Intervals need an ensemble of the laws in use: the paper's, or the one a caller's law brings.
  const uncertainty =
    surface === context.paperLossSurface || surface.ensemble !== undefined ? context.uncertainty : undefined;
  const memberRows =
    uncertainty && surface.ensemble
      ? new SurfaceMemberRows(
          surface.ensemble,
          candidates.map((c) => ({
            flopsPerImage: c.model.flopsPerImage,
            imagesSeen: c.epochs * datasetImages,
          })),
          MAX_JFT_VALIDATION_LOSS,
        )
      : undefined;
  const shares =
    uncertainty && sharesOf(uncertainty, surface, objective, candidates, datasetImages, memberRows);
  const state: PlanState = {
    context,
    surface,
    request: normalized,
    spend,
    candidates,
    ...(memberRows && { memberRows }),
    ...(shares && { shares }),
  };
  const pointIdeal = idealAllocation(context, surface, strategy, objective, C, datasetImages, window);
  const ideal =
    uncertainty === undefined
      ? pointIdeal
      : {
          ...pointIdeal,
          ...idealIntervals(context, uncertainty, surface, strategy, objective, C, normalized, pointIdeal),
        };
  const { chosen, bestPredicted } = pickBy(state, strategy, objective);

  const alternatives: Alternative[] = [];
  const index = candidates.indexOf(chosen);
  const smaller = candidates[index - 1];
  const larger = candidates[index + 1];
  if (smaller) alternatives.push(alternativeOf(state, smaller, 'smaller_neighbour', strategy, objective));
  if (larger) alternatives.push(alternativeOf(state, larger, 'larger_neighbour', strategy, objective));
  if (bestPredicted)
    alternatives.push(alternativeOf(state, bestPredicted, 'best_predicted', strategy, objective));
  const otherStrategy: Strategy = strategy === 'equal_rate' ? 'fitted' : 'equal_rate';
  const otherObjective: Objective = objective === 'jft_loss' ? 'imagenet_top1' : 'jft_loss';
  const byOtherStrategy = pickBy(state, otherStrategy, objective).chosen;
  alternatives.push(alternativeOf(state, byOtherStrategy, 'other_strategy', otherStrategy, objective));
  // A caller's law says nothing of top-1, so its plans have no imagenet_top1 pick to offer.
  if (!customLaw) {
    const byOtherObjective = pickBy(state, strategy, otherObjective).chosen;
    alternatives.push(alternativeOf(state, byOtherObjective, 'other_objective', strategy, otherObjective));
  }
  const runnerUp = shares && runnerUpOf(candidates, shares, chosen);
  if (
    runnerUp &&
    !alternatives.some((a) => a.model.name === runnerUp.model.name && a.epochs === runnerUp.epochs)
  )
    alternatives.push(alternativeOf(state, runnerUp, 'runner_up', strategy, objective));

  const recommendation = describeCandidate(state, chosen);
  const hardware = normalized.hardware;
  return {
    ...(uncertainty && { uncertainty: planUncertainty(uncertainty, normalized.intervalLevel, surface) }),
    budget: {
      tpuV4CoreHours: C,
      requested: budget.requested,
      basis: budget.basis,
      ...(budget.trainingFlops !== undefined && { trainingFlops: budget.trainingFlops }),
    },
    objective,
    strategy,
    ideal,
    recommendation,
    alternatives,
    ...(hardware && { hardware }),
    warnings: collectWarnings({
      context,
      request: normalized,
      budget,
      ideal,
      recommendation,
      capped: chosen.capped,
      alternatives,
      surface,
      ...(bestPredicted && { bestPredicted: describeCandidate(state, bestPredicted) }),
      strategy,
    }),
    provenance: {
      paper: PAPER_CITATION,
      budget: budget.basis,
      ideal: ideal.source,
      pick:
        strategy === 'equal_rate'
          ? 'equal_rate: the variant nearest the ideal size in log FLOPs per image (never smaller than at a smaller budget)'
          : `fitted: the lowest predicted ${objective === 'jft_loss' ? 'JFT-4B loss' : 'ImageNet top-1 error'}; ${objective === 'jft_loss' ? 'a variant the paper did not train, or a run shorter than it studied (Figure 2)' : 'a variant Figure 1 did not fine-tune, or a run pre-trained for fewer epochs than Figure 1 fine-tuned it from'}, must beat the rest by the law's own error (${(nearTieTolerance(context, objective) * 100).toFixed(2)} %, its relative RMSE)`,
      ...(hardware && { hardware: hardware.basis }),
      ...configurationProvenance(context, surface),
    },
  };
}
