import { FACTS } from '../dataset/facts.js';
import { InfeasibleError } from '../errors.js';
import { equalRateAllocation, fittedAllocation } from '../laws/allocation.js';
import { type ConvertedBudget, toTpuV4CoreHours } from '../units/budget.js';
import {
  type ConfigurationOptions,
  describeConfiguration,
  type Predictions,
  predict,
  type TrainingConfiguration,
} from './configuration.js';
import type { LossSurface, ModelEntry, PlannerContext } from './context.js';
import { customLossSurface } from './customLaw.js';
import { type ConfigurationProvenance, configurationProvenance, PAPER_CITATION } from './provenance.js';
import {
  type NormalizedRequest,
  normalizeRequest,
  type Objective,
  type PlanRequest,
  type Strategy,
} from './request.js';
import { collectWarnings, type PlanWarning } from './warnings.js';

/** The allocation a strategy would make if any model size could be trained. */
export interface IdealAllocation {
  readonly epochs: number;
  /** One epoch of the request's dataset for the ideal model. */
  readonly costPerEpochTpuV4CoreHours: number;
  readonly flopsPerImage: number;
  readonly source: string;
}

export interface Alternative extends TrainingConfiguration {
  readonly reason: 'smaller_neighbour' | 'larger_neighbour' | 'other_strategy' | 'other_objective';
  readonly strategy: Strategy;
  readonly objective: Objective;
}

export interface Plan {
  readonly budget: Pick<ConvertedBudget, 'tpuV4CoreHours' | 'requested' | 'basis'>;
  readonly objective: Objective;
  readonly strategy: Strategy;
  readonly ideal: IdealAllocation;
  readonly recommendation: TrainingConfiguration;
  readonly alternatives: Alternative[];
  readonly warnings: PlanWarning[];
  readonly provenance: PlanProvenance;
}

export interface PlanProvenance extends ConfigurationProvenance {
  readonly paper: string;
  readonly budget: string;
  readonly ideal: string;
}

interface Candidate {
  readonly model: ModelEntry;
  readonly epochs: number;
  readonly predicted: Predictions;
}

function referenceEpochShare(request: NormalizedRequest): number {
  return request.datasetImages / FACTS.jftImages.value;
}

/** The paper's equal-rate rule or the fitted surface's continuous optimum, expressed for the request's dataset. */
export function idealAllocation(
  context: PlannerContext,
  surface: LossSurface,
  strategy: Strategy,
  objective: Objective,
  tpuV4CoreHours: number,
  datasetImages: number,
): IdealAllocation {
  const share = datasetImages / FACTS.jftImages.value;
  const costLaw = context.laws.costModel.flopsPowerLaw;
  if (strategy === 'equal_rate') {
    const rule = equalRateAllocation(tpuV4CoreHours);
    return {
      // Images seen are what the rule allocates; over a smaller dataset the same images are more epochs.
      epochs: rule.epochs / share,
      costPerEpochTpuV4CoreHours: rule.costPerEpochTpuV4CoreHours * share,
      // Invert the cost law k = c F^g for the model whose JFT-4B epoch costs k*.
      flopsPerImage: (rule.costPerEpochTpuV4CoreHours / costLaw.coefficient) ** (1 / costLaw.exponent),
      source: `stated rule: epochs = (C / ${FACTS.epochsAboveOneFromTpuV4CoreHours.value})^${FACTS.equalRateScalingExponent.value} over JFT-4B (${rule.source}); FLOPs per image from the cost law`,
    };
  }
  const law = objective === 'imagenet_top1' ? context.laws.finetune.coefficients : surface.coefficients;
  const optimum = fittedAllocation(law, costLaw, tpuV4CoreHours, datasetImages);
  return {
    epochs: optimum.epochs,
    costPerEpochTpuV4CoreHours: optimum.costPerEpochTpuV4CoreHours,
    flopsPerImage: optimum.flopsPerImage,
    source: `fitted: continuous optimum of ${objective === 'imagenet_top1' ? context.laws.finetune.id : surface.id} under the cost law (closed form)`,
  };
}

function candidatesFor(
  context: PlannerContext,
  surface: LossSurface,
  request: NormalizedRequest,
  tpuV4CoreHours: number,
): Candidate[] {
  const share = referenceEpochShare(request);
  const candidates: Candidate[] = [];
  for (const model of request.models) {
    const epochs = tpuV4CoreHours / (model.costPerEpochTpuV4CoreHours * share);
    if (epochs < request.minEpochs || epochs > request.maxEpochs) continue;
    candidates.push({
      model,
      epochs,
      predicted: predict(context, surface, model, epochs, request.datasetImages),
    });
  }
  return candidates;
}

const objectiveValue = (candidate: Candidate, objective: Objective): number =>
  objective === 'jft_loss' ? candidate.predicted.jftValidationLoss : -candidate.predicted.imagenetTop1Percent;

function best(candidates: readonly Candidate[], objective: Objective): Candidate {
  let chosen = candidates[0] as Candidate;
  for (const c of candidates)
    if (objectiveValue(c, objective) < objectiveValue(chosen, objective)) chosen = c;
  return chosen;
}

/**
 * The pick of a strategy for an objective, among candidates sorted by cost per epoch:
 * - equal_rate, jft_loss: the variant whose cost per epoch is nearest the ideal k* in log space (the paper's rule).
 * - fitted: the lowest predicted objective (JFT loss surface, or fine-tuning law for imagenet_top1).
 * - equal_rate, imagenet_top1: the best predicted top-1 among the equal-rate pick and the larger variants, encoding
 *   the paper's finding that fine-tuning favours slightly larger models for fewer epochs at a fixed budget; the
 *   fine-tuning law decides how much larger.
 */
function pick(
  candidates: readonly Candidate[],
  strategy: Strategy,
  objective: Objective,
  ideal: IdealAllocation,
  share: number,
): Candidate {
  if (strategy === 'fitted') return best(candidates, objective);
  const logIdeal = Math.log(ideal.costPerEpochTpuV4CoreHours);
  let nearestIndex = 0;
  let nearestDistance = Number.POSITIVE_INFINITY;
  candidates.forEach((c, i) => {
    const distance = Math.abs(Math.log(c.model.costPerEpochTpuV4CoreHours * share) - logIdeal);
    if (distance < nearestDistance) {
      nearestDistance = distance;
      nearestIndex = i;
    }
  });
  if (objective === 'jft_loss') return candidates[nearestIndex] as Candidate;
  return best(candidates.slice(nearestIndex), objective);
}

function resolveSurface(context: PlannerContext, request: PlanRequest): LossSurface {
  return request.law === undefined ? context.paperLossSurface : customLossSurface(request.law);
}

/**
 * Plans a pre-training run for a budget (issue: planner and REST API v1):
 * convert the budget to TPU-v4 core hours; compute the ideal allocation of the chosen strategy; train every allowed
 * variant for E = C / cost per epoch within the epoch constraints; pick one (see `pick`); describe it (learning rate
 * and trials, steps, predictions, fine-tuning cost, wall clock); list neighbours and the other strategy's and
 * objective's picks; add warnings and provenance. Pure; the context holds the fitted laws.
 */
export function plan(context: PlannerContext, request: PlanRequest): Plan {
  const budget = toTpuV4CoreHours(request.budget, context.laws.costModel);
  const normalized = normalizeRequest(context, request);
  const surface = resolveSurface(context, request);
  const { objective, strategy } = normalized;
  const C = budget.tpuV4CoreHours;
  const share = referenceEpochShare(normalized);

  const candidates = candidatesFor(context, surface, normalized, C);
  if (candidates.length === 0) {
    const range = Number.isFinite(normalized.maxEpochs)
      ? `between ${normalized.minEpochs} and ${normalized.maxEpochs} epochs`
      : `at least ${normalized.minEpochs} epochs`;
    throw new InfeasibleError(
      `no allowed model trains ${range} on ${C.toPrecision(4)} TPU-v4 core hours; widen constraints.minEpochs/maxEpochs or constraints.models`,
      {
        tpuV4CoreHours: C,
        minEpochs: normalized.minEpochs,
        ...(Number.isFinite(normalized.maxEpochs) ? { maxEpochs: normalized.maxEpochs } : {}),
      },
    );
  }

  const idealFor = (s: Strategy, o: Objective) =>
    idealAllocation(context, surface, s, o, C, normalized.datasetImages);
  const ideal = idealFor(strategy, objective);
  const chosen = pick(candidates, strategy, objective, ideal, share);

  const options: ConfigurationOptions = normalized;
  const describe = (c: Candidate) =>
    describeConfiguration(context, surface, c.model, c.epochs, options, c.predicted);
  const alternative = (c: Candidate, reason: Alternative['reason'], s: Strategy, o: Objective): Alternative =>
    Object.assign(describe(c), { reason, strategy: s, objective: o });
  const alternatives: Alternative[] = [];
  const index = candidates.indexOf(chosen);
  const smaller = candidates[index - 1];
  const larger = candidates[index + 1];
  if (smaller) alternatives.push(alternative(smaller, 'smaller_neighbour', strategy, objective));
  if (larger) alternatives.push(alternative(larger, 'larger_neighbour', strategy, objective));
  const otherStrategy: Strategy = strategy === 'equal_rate' ? 'fitted' : 'equal_rate';
  const otherObjective: Objective = objective === 'jft_loss' ? 'imagenet_top1' : 'jft_loss';
  const byOtherStrategy = pick(
    candidates,
    otherStrategy,
    objective,
    idealFor(otherStrategy, objective),
    share,
  );
  alternatives.push(alternative(byOtherStrategy, 'other_strategy', otherStrategy, objective));
  const byOtherObjective = pick(
    candidates,
    strategy,
    otherObjective,
    idealFor(strategy, otherObjective),
    share,
  );
  alternatives.push(alternative(byOtherObjective, 'other_objective', strategy, otherObjective));

  const recommendation = describe(chosen);
  return {
    budget: { tpuV4CoreHours: C, requested: budget.requested, basis: budget.basis },
    objective,
    strategy,
    ideal,
    recommendation,
    alternatives,
    warnings: collectWarnings({ context, request: normalized, budget, ideal, recommendation, surface }),
    provenance: {
      paper: PAPER_CITATION,
      budget: budget.basis,
      ideal: ideal.source,
      ...configurationProvenance(context, surface, recommendation.model.costSource),
    },
  };
}
