import { TRAINING_FLOPS_PER_FORWARD_FLOP } from '../cost/throughput.js';
import { FACTS } from '../dataset/facts.js';
import { InfeasibleError } from '../errors.js';
import {
  type CostPowerLaw,
  EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS,
  EQUAL_RATE_EXPONENT,
  EQUAL_RATE_SOURCE,
  fittedAllocation,
  optimalLogFlopsPerImage,
} from '../laws/allocation.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import {
  type AllocationIntervals,
  allocationIntervals,
  optimumLines,
} from '../uncertainty/allocationIntervals.js';
import type { Interval } from '../uncertainty/interval.js';
import { pickShares, pickSharesOfMembers } from '../uncertainty/pickShares.js';
import type { PlannerUncertainty } from '../uncertainty/plannerUncertainty.js';
import { SurfaceMemberRows } from '../uncertainty/surfaceMemberRows.js';
import { configurationsThatCanWin, memberSummary } from '../uncertainty/surfaceMembers.js';
import type { ConvertedBudget } from '../units/budget.js';
import type { ResolvedHardware } from '../units/hardware.js';
import {
  describeConfiguration,
  MAX_JFT_VALIDATION_LOSS,
  type Predictions,
  predict,
  type TrainingConfiguration,
} from './configuration.js';
import type { LossSurface, ModelEntry, PlannerContext } from './context.js';
import { type ConfigurationProvenance, configurationProvenance, PAPER_CITATION } from './provenance.js';
import {
  type CheckedPlanRequest,
  checkPlanRequest,
  type NormalizedRequest,
  type Objective,
  type PlanRequest,
  type Strategy,
} from './request.js';
import { collectWarnings, type PlanWarning } from './warnings.js';

/** The allocation a strategy would make if any model size could be trained, within the request's epoch bounds. */
export interface IdealAllocation extends Partial<AllocationIntervals> {
  readonly epochs: number;
  /** One epoch of the request's dataset for the ideal model. */
  readonly costPerEpochTpuV4CoreHours: number;
  readonly flopsPerImage: number;
  readonly source: string;
}

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
  const summaries = candidates.map((c) =>
    memberSummary(
      own,
      own.fits,
      own.models,
      c.model.flopsPerImage,
      c.epochs * datasetImages,
      MAX_JFT_VALIDATION_LOSS,
    ),
  );
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

/** A variant trained on the budget: every epoch it affords, up to the request's maxEpochs. */
export interface Candidate {
  readonly model: ModelEntry;
  readonly epochs: number;
  /** maxEpochs stopped it before the budget was spent. */
  readonly capped: boolean;
  readonly predicted: Predictions;
}

/**
 * How a budget is spent. TPU units buy TPU-v4 core hours, spent at each model's own TPU-v4 cost per epoch; flops and
 * gpu_hours buy training FLOPs, spent at 3 x each model's forward FLOPs per image per image seen. `amount` is in that
 * currency; coreHoursPerAmount converts it back for the ideal allocations, which are stated in core hours.
 */
interface Spend {
  readonly amount: number;
  readonly coreHoursPerAmount: number;
  /** Spent in training FLOPs rather than TPU-v4 core hours. */
  readonly inFlops: boolean;
  readonly datasetImages: number;
}

function spendOf(budget: ConvertedBudget, datasetImages: number): Spend {
  return budget.trainingFlops !== undefined
    ? {
        amount: budget.trainingFlops,
        coreHoursPerAmount: budget.tpuV4CoreHours / budget.trainingFlops,
        inFlops: true,
        datasetImages,
      }
    : { amount: budget.tpuV4CoreHours, coreHoursPerAmount: 1, inFlops: false, datasetImages };
}

/** One epoch of the request's dataset on `model`, in the spend's currency. */
function costPerEpochIn(spend: Spend, model: ModelEntry): number {
  return spend.inFlops
    ? TRAINING_FLOPS_PER_FORWARD_FLOP * model.flopsPerImage * spend.datasetImages
    : model.costPerEpochTpuV4CoreHours * (spend.datasetImages / FACTS.jftImages.value);
}

interface EpochWindow {
  readonly minEpochs: number;
  readonly maxEpochs: number;
}

function clamp(x: number, window: EpochWindow): number {
  return Math.min(Math.max(x, window.minEpochs), window.maxEpochs);
}

/**
 * The allocation of a strategy for an objective at C TPU-v4 core hours, over a dataset of `datasetImages`, with the
 * epochs held inside the request's bounds (along the budget line the objective is convex in log F, so the bounded
 * optimum is the bound):
 * - equal_rate: the paper's rule, epochs = (C / 5000)^0.5 JFT-4B epochs (stated), size = the budget over them; for
 *   imagenet_top1 the size is tilted by the fine-tuning law's preference, F*_finetune / F*_jft of the fitted laws'
 *   continuous optima at C (the paper: "fine-tuning favoured slightly larger models and slightly smaller epoch
 *   budgets"), and the epochs follow from the budget.
 * - fitted: the continuous optimum of the JFT loss surface (or the fine-tuning law) under the cost law, closed form.
 * FLOPs per image come from the cost law's mid-line k = c F^g (the ideal model belongs to neither width family).
 */
export function idealAllocation(
  context: PlannerContext,
  surface: LossSurface,
  strategy: Strategy,
  objective: Objective,
  tpuV4CoreHours: number,
  datasetImages: number,
  window: EpochWindow = { minEpochs: 0, maxEpochs: Number.POSITIVE_INFINITY },
): IdealAllocation {
  const size = idealSize(context, surface, strategy, objective, tpuV4CoreHours, datasetImages, window);
  const bounds =
    window.minEpochs > 0 || Number.isFinite(window.maxEpochs) ? ', within the epoch constraints' : '';
  const lawId = objective === 'imagenet_top1' ? context.laws.finetune.id : surface.id;
  const source =
    strategy === 'fitted'
      ? `fitted: continuous optimum of ${lawId} under the cost law (closed form)${bounds}`
      : objective === 'jft_loss'
        ? bounds === ''
          ? EQUAL_RATE_IDEAL_SOURCE
          : `${EQUAL_RATE_RULE}${bounds}; FLOPs per image from the cost law's mid-line`
        : `${EQUAL_RATE_RULE}, with the size tilted x${finetuneSizeTilt(context, surface.coefficients, tpuV4CoreHours).toPrecision(3)} by the fine-tuning preference (the ratio of the fitted fine-tuning and JFT-loss optima at this budget)${bounds}`;
  return { ...size, source };
}

const EQUAL_RATE_RULE = `stated rule: epochs = (C / ${EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS})^${EQUAL_RATE_EXPONENT} over JFT-4B (${EQUAL_RATE_SOURCE})`;
/** The most common ideal's source, built once rather than per plan. */
const EQUAL_RATE_IDEAL_SOURCE = `${EQUAL_RATE_RULE}; FLOPs per image from the cost law's mid-line`;

interface IdealSize {
  readonly epochs: number;
  readonly costPerEpochTpuV4CoreHours: number;
  readonly flopsPerImage: number;
}

/** idealAllocation's numbers without its source text: what the pickers evaluate at many budgets. */
function idealSize(
  context: PlannerContext,
  surface: LossSurface,
  strategy: Strategy,
  objective: Objective,
  tpuV4CoreHours: number,
  datasetImages: number,
  window: EpochWindow,
): IdealSize {
  const share = datasetImages / FACTS.jftImages.value;
  const costLaw = context.laws.costModel.flopsPowerLaw;
  if (strategy === 'equal_rate') {
    // Images seen are what the rule allocates; over a smaller dataset the same images are more epochs.
    const ruleEpochs = (tpuV4CoreHours / EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS) ** EQUAL_RATE_EXPONENT / share;
    const rule = allocationAtEpochs(costLaw, tpuV4CoreHours, share, clamp(ruleEpochs, window));
    if (objective === 'jft_loss') return rule;
    const tilt = finetuneSizeTilt(context, surface.coefficients, tpuV4CoreHours);
    return allocationAtFlops(costLaw, tpuV4CoreHours, share, window, rule.flopsPerImage * tilt);
  }
  const law = objective === 'imagenet_top1' ? context.laws.finetune.coefficients : surface.coefficients;
  const optimum = fittedAllocation(law, costLaw, tpuV4CoreHours, datasetImages);
  return allocationAtFlops(costLaw, tpuV4CoreHours, share, window, optimum.flopsPerImage);
}

/** The budget spread over `epochs`: each epoch's cost, and the FLOPs per image the mid-line gives that cost. */
function allocationAtEpochs(costLaw: CostPowerLaw, tpuV4CoreHours: number, share: number, epochs: number) {
  const costPerEpochTpuV4CoreHours = tpuV4CoreHours / epochs;
  const flopsPerImage = (costPerEpochTpuV4CoreHours / share / costLaw.coefficient) ** (1 / costLaw.exponent);
  return { epochs, costPerEpochTpuV4CoreHours, flopsPerImage };
}

/** The epochs a model of `flops` affords on the budget line, held in the window, then allocationAtEpochs. */
function allocationAtFlops(
  costLaw: CostPowerLaw,
  tpuV4CoreHours: number,
  share: number,
  window: EpochWindow,
  flops: number,
) {
  const epochs = clamp(tpuV4CoreHours / (costLaw.coefficient * flops ** costLaw.exponent * share), window);
  return allocationAtEpochs(costLaw, tpuV4CoreHours, share, epochs);
}

/** F*_finetune(C) / F*_jft(C): how much larger the fine-tuning law's compute-optimal model is than the loss law's. */
function finetuneSizeTilt(
  context: PlannerContext,
  jftLoss: SurfaceCoefficients,
  tpuV4CoreHours: number,
): number {
  const costLaw = context.laws.costModel.flopsPowerLaw;
  return (
    Math.exp(optimalLogFlopsPerImage(context.laws.finetune.coefficients, costLaw, tpuV4CoreHours)) /
    Math.exp(optimalLogFlopsPerImage(jftLoss, costLaw, tpuV4CoreHours))
  );
}

/** Every allowed variant that reaches minEpochs on the budget, smallest first, trained up to maxEpochs. */
function candidatesFor(
  context: PlannerContext,
  surface: LossSurface,
  request: NormalizedRequest,
  spend: Spend,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const model of request.models) {
    const affordable = spend.amount / costPerEpochIn(spend, model);
    if (!(affordable >= request.minEpochs)) continue;
    const epochs = Math.min(affordable, request.maxEpochs);
    candidates.push({
      model,
      epochs,
      capped: affordable > request.maxEpochs,
      predicted: predict(context, surface, model, epochs, request.datasetImages),
    });
  }
  return candidates;
}

/** What an objective minimises: JFT loss, or ImageNet top-1 error. */
export const objectiveValue = (predicted: Predictions, objective: Objective): number =>
  objective === 'jft_loss' ? predicted.jftValidationLoss : 100 - predicted.imagenetTop1Percent;

/**
 * The law's own error on an objective's value, as a fraction: the fitted surface's relative RMSE on its data (the
 * JFT loss surface, or the fine-tuning law's top-1 error). Two predictions closer than this, relative, are ones the
 * law cannot tell apart.
 */
export function nearTieTolerance(context: PlannerContext, objective: Objective): number {
  return objective === 'jft_loss'
    ? context.laws.jftLoss.quality.rmseRelative
    : context.laws.finetune.quality.rmseRelative;
}

/** Inside what the paper measured: a variant it trained, at no fewer JFT-4B epochs than it studied. */
function insidePaperRange(candidate: Candidate, datasetImages: number): boolean {
  const jftEpochs = (candidate.epochs * datasetImages) / FACTS.jftImages.value;
  return candidate.model.trainedInPaper && jftEpochs >= FACTS.minEpochsStudied.value;
}

interface FittedPick {
  readonly chosen: Candidate;
  /** The lowest predicted objective, when the near-tie preference chose another candidate. */
  readonly bestPredicted?: Candidate;
}

/**
 * fitted: the lowest predicted objective, except that a candidate outside the paper's measured range (a variant it
 * did not train, or fewer JFT-4B epochs than it studied) pays the law's own error, tolerance x the best value: among
 * choices the law cannot tell apart, the one the paper measured wins. Each candidate's penalised value falls as the
 * budget rises (more epochs, and a run leaves the short end of the range but never enters it), and more budget only
 * adds candidates, so the chosen penalised value never rises; the chosen prediction is within the tolerance of the best.
 */
function fittedPick(
  candidates: readonly Candidate[],
  objective: Objective,
  tolerance: number,
  datasetImages: number,
): FittedPick {
  let best = candidates[0] as Candidate;
  for (const c of candidates)
    if (objectiveValue(c.predicted, objective) < objectiveValue(best.predicted, objective)) best = c;
  const penalty = tolerance * objectiveValue(best.predicted, objective);
  let chosen = best;
  let chosenScore =
    objectiveValue(best.predicted, objective) + (insidePaperRange(best, datasetImages) ? 0 : penalty);
  for (const c of candidates) {
    const score = objectiveValue(c.predicted, objective) + (insidePaperRange(c, datasetImages) ? 0 : penalty);
    if (score < chosenScore) {
      chosen = c;
      chosenScore = score;
    }
  }
  return chosen === best ? { chosen } : { chosen, bestPredicted: best };
}

function candidateModels(candidates: readonly Candidate[]): ModelEntry[] {
  const models: ModelEntry[] = [];
  for (const c of candidates) models.push(c.model);
  return models;
}

/** The model nearest `flops` in log FLOPs; a tie goes to the larger. `models` are sorted smallest first. */
function nearestBySize(models: readonly ModelEntry[], flops: number): ModelEntry {
  const target = Math.log(flops);
  let nearest = models[0] as ModelEntry;
  for (const m of models)
    if (Math.abs(Math.log(m.flopsPerImage) - target) <= Math.abs(Math.log(nearest.flopsPerImage) - target))
      nearest = m;
  return nearest;
}

/**
 * equal_rate: the candidate nearest the rule's ideal size in log FLOPs, the quantity the rule scales. The ideal size
 * rises with the budget, so among a fixed set of variants the pick never shrinks. With minEpochs, more budget also
 * admits variants, and across the width families cost is not monotone in FLOPs (F7, 130 GFLOPs, costs more per
 * epoch than F4+, 141): a deep variant can be admitted after a larger wide one and sit nearer the ideal. So the pick
 * is the largest of the nearest picks at every smaller budget, which only needs the budgets at which variants are
 * admitted (nearest is monotone between them): a scheduler never gets a smaller model for a larger budget.
 */
function equalRatePick(state: PlanState, objective: Objective): Candidate {
  const { candidates, request, spend } = state;
  const idealFlopsAt = (amount: number) =>
    idealSize(
      state.context,
      state.surface,
      'equal_rate',
      objective,
      amount * spend.coreHoursPerAmount,
      request.datasetImages,
      request,
    ).flopsPerImage;
  let pick = nearestBySize(candidateModels(candidates), idealFlopsAt(spend.amount));
  if (request.minEpochs > 0) {
    const admitted = request.models
      .map((model) => ({
        model,
        at: request.minEpochs * costPerEpochIn(spend, model),
        lnFlops: Math.log(model.flopsPerImage),
      }))
      .filter((e) => e.at <= spend.amount)
      .sort((a, b) => a.at - b.at);
    // The nearest of the variants admitted so far to the ideal size at the budget that admits the next one; a tie
    // goes to the larger, as in nearestBySize.
    for (let i = 0; i + 1 < admitted.length; i++) {
      const target = Math.log(idealFlopsAt((admitted[i + 1] as (typeof admitted)[number]).at));
      let nearest = admitted[0] as (typeof admitted)[number];
      let nearestDistance = Math.abs(nearest.lnFlops - target);
      for (let j = 1; j <= i; j++) {
        const e = admitted[j] as (typeof admitted)[number];
        const distance = Math.abs(e.lnFlops - target);
        if (
          distance < nearestDistance ||
          (distance === nearestDistance && e.model.flopsPerImage >= nearest.model.flopsPerImage)
        ) {
          nearest = e;
          nearestDistance = distance;
        }
      }
      if (nearest.model.flopsPerImage > pick.flopsPerImage) pick = nearest.model;
    }
  }
  for (const c of candidates) if (c.model === pick) return c;
  throw new Error('equalRatePick: the pick is not a candidate');
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

/**
 * The ideal's intervals from the ensemble: fitted, each member's compute-optimal size (its own surface's closed form);
 * equal_rate for imagenet_top1, the rule's size tilted by each member's fine-tuning to loss optimum ratio; equal_rate
 * for jft_loss is the stated rule, with no fit in it, so its interval is the point.
 */
function idealIntervals(
  context: PlannerContext,
  uncertainty: PlannerUncertainty,
  surface: LossSurface,
  strategy: Strategy,
  objective: Objective,
  tpuV4CoreHours: number,
  request: NormalizedRequest,
  point: IdealAllocation,
): AllocationIntervals | undefined {
  if (strategy === 'equal_rate' && objective === 'jft_loss')
    return {
      epochsInterval: { lower: point.epochs, upper: point.epochs },
      costPerEpochTpuV4CoreHoursInterval: {
        lower: point.costPerEpochTpuV4CoreHours,
        upper: point.costPerEpochTpuV4CoreHours,
      },
      flopsPerImageInterval: { lower: point.flopsPerImage, upper: point.flopsPerImage },
    };
  const lnC = Math.log(tpuV4CoreHours);
  const costLaw = context.laws.costModel.flopsPowerLaw;
  const own = surface.ensemble;
  const { finetune } = uncertainty.optimum;
  const jftLoss = own === undefined ? uncertainty.optimum.jftLoss : optimumLines(own, own.fits, costLaw);
  const share = request.datasetImages / FACTS.jftImages.value;
  const M = uncertainty.grid.members;
  const lnFlops = new Float64Array(M);
  if (strategy === 'fitted') {
    const lines = objective === 'jft_loss' ? jftLoss : finetune;
    for (let m = 0; m < M; m++)
      lnFlops[m] = (lines.intercept[m] as number) + (lines.slope[m] as number) * lnC;
  } else {
    const ruleEpochs = (tpuV4CoreHours / EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS) ** EQUAL_RATE_EXPONENT / share;
    const lnRule = Math.log(
      allocationAtEpochs(costLaw, tpuV4CoreHours, share, clamp(ruleEpochs, request)).flopsPerImage,
    );
    for (let m = 0; m < M; m++)
      lnFlops[m] =
        lnRule +
        (finetune.intercept[m] as number) +
        (finetune.slope[m] as number) * lnC -
        (jftLoss.intercept[m] as number) -
        (jftLoss.slope[m] as number) * lnC;
  }
  const intervals = allocationIntervals(
    lnFlops,
    costLaw,
    tpuV4CoreHours,
    share,
    request,
    request.intervalLevel,
    point,
  );
  // A caller's law may have fits with no finite optimum here (coefficients at the edges of what is accepted): then
  // the ideal has no interval rather than an infinite one.
  const ends = Object.values(intervals).flatMap((i: Interval) => [i.lower, i.upper]);
  return ends.every((x) => Number.isFinite(x) && x > 0) ? intervals : undefined;
}

/** What one plan() call works on, passed to the pickers and describers instead of closing over it. */
interface PlanState {
  readonly context: PlannerContext;
  readonly surface: LossSurface;
  readonly request: NormalizedRequest;
  readonly spend: Spend;
  readonly candidates: readonly Candidate[];
  /** Each candidate's share of ensemble members under which it is the best, when the laws have an ensemble. */
  readonly shares?: Float64Array;
  /** With a caller's law that has an ensemble: each candidate's members, computed when first needed. */
  readonly memberRows?: SurfaceMemberRows;
}

function pickBy(state: PlanState, strategy: Strategy, objective: Objective): FittedPick {
  return strategy === 'fitted'
    ? fittedPick(
        state.candidates,
        objective,
        nearTieTolerance(state.context, objective),
        state.request.datasetImages,
      )
    : { chosen: equalRatePick(state, objective) };
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
          : `fitted: the lowest predicted ${objective === 'jft_loss' ? 'JFT-4B loss' : 'ImageNet top-1 error'}; a variant the paper did not train, or a run shorter than it studied, must beat the rest by the law's own error (${(nearTieTolerance(context, objective) * 100).toFixed(2)} %, its relative RMSE)`,
      ...(hardware && { hardware: hardware.basis }),
      ...configurationProvenance(context, surface),
    },
  };
}
