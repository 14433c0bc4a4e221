/**
 * The runs a budget affords and how a strategy picks one: every allowed variant trained for the epochs the budget buys
 * it (candidatesFor), then the fitted strategy's lowest predicted objective with the paper's measured range preferred
 * among near ties (fittedPick), or the equal-rate rule's variant nearest the ideal size (equalRatePick).
 */
import { TRAINING_FLOPS_PER_FORWARD_FLOP } from '../cost/throughput.js';
import { FACTS } from '../dataset/facts.js';
import type { ConvertedBudget } from '../units/budget.js';
import { type Predictions, predict } from './configuration.js';
import type { LossSurface, ModelEntry, PlannerContext } from './context.js';
import { idealSize } from './ideal.js';
import { insidePaperRange } from './paperRange.js';
import type { NormalizedRequest, Objective, Strategy } from './request.js';

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
export interface Spend {
  readonly amount: number;
  readonly coreHoursPerAmount: number;
  /** Spent in training FLOPs rather than TPU-v4 core hours. */
  readonly inFlops: boolean;
  readonly datasetImages: number;
}

export function spendOf(budget: ConvertedBudget, datasetImages: number): Spend {
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

/**
 * What `epochs` of `model` spend in the spend's currency, in describeConfiguration's arithmetic (the cost and the
 * training FLOPs a plan states), so that a run's stated spend can be held to the budget exactly.
 */
function spentOn(spend: Spend, model: ModelEntry, epochs: number): number {
  return spend.inFlops
    ? TRAINING_FLOPS_PER_FORWARD_FLOP * model.flopsPerImage * (epochs * spend.datasetImages)
    : epochs * (model.costPerEpochTpuV4CoreHours * (spend.datasetImages / FACTS.jftImages.value));
}

/**
 * The most epochs of `model` the budget buys: amount / cost per epoch, stepped down a double at a time (rarely more
 * than once) while the run's spend, recomputed from its epochs, rounds above the amount: the budget is never exceeded,
 * not even in the last digit.
 */
function affordableEpochs(spend: Spend, model: ModelEntry): number {
  let epochs = spend.amount / costPerEpochIn(spend, model);
  // x - x 2^-53 is the next double below x (more than half its spacing below x, less than a whole one).
  while (spentOn(spend, model, epochs) > spend.amount) epochs -= epochs * 2 ** -53;
  return epochs;
}

/** Every allowed variant that reaches minEpochs on the budget, smallest first, trained up to maxEpochs. */
export function candidatesFor(
  context: PlannerContext,
  surface: LossSurface,
  request: NormalizedRequest,
  spend: Spend,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const model of request.models) {
    const affordable = affordableEpochs(spend, model);
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
const objectiveValue = (predicted: Predictions, objective: Objective): number =>
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

/** Inside what the paper measured for the objective (paperRange.ts), in JFT-4B epochs. */
function insideRange(candidate: Candidate, objective: Objective, datasetImages: number): boolean {
  return insidePaperRange(
    candidate.model,
    (candidate.epochs * datasetImages) / FACTS.jftImages.value,
    objective,
  );
}

export interface FittedPick {
  readonly chosen: Candidate;
  /** The lowest predicted objective, when the near-tie preference chose another candidate. */
  readonly bestPredicted?: Candidate;
}

/**
 * fitted: the lowest predicted objective, except that a candidate outside what the paper measured for the objective
 * (paperRange.ts: Figure 2's trained runs for the loss, Figure 1's fine-tuned ones for top-1) pays the law's own error, tolerance x the best value: among
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
    objectiveValue(best.predicted, objective) + (insideRange(best, objective, datasetImages) ? 0 : penalty);
  for (const c of candidates) {
    const score =
      objectiveValue(c.predicted, objective) + (insideRange(c, objective, datasetImages) ? 0 : penalty);
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
function equalRatePick(state: PickState, objective: Objective): Candidate {
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

/** What the pickers work on: the plan's budget, its candidates, and the laws and request they were made under. */
export interface PickState {
  readonly context: PlannerContext;
  readonly surface: LossSurface;
  readonly request: NormalizedRequest;
  readonly spend: Spend;
  readonly candidates: readonly Candidate[];
}

/** The run a strategy picks for an objective (fittedPick or equalRatePick). */
export function pickBy(state: PickState, strategy: Strategy, objective: Objective): FittedPick {
  return strategy === 'fitted'
    ? fittedPick(
        state.candidates,
        objective,
        nearTieTolerance(state.context, objective),
        state.request.datasetImages,
      )
    : { chosen: equalRatePick(state, objective) };
}
