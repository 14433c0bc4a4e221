import { FACTS } from '../dataset/facts.js';
import type { ConvertedBudget } from '../units/budget.js';
import {
  MAX_JFT_VALIDATION_LOSS,
  MIN_IMAGENET_TOP1_PERCENT,
  type TrainingConfiguration,
} from './configuration.js';
import type { LossSurface, PlannerContext } from './context.js';
import { FIGURE1_EPOCHS } from './paperRange.js';
import type { NormalizedRequest, Objective, Strategy } from './request.js';

/** Stable, machine-readable warning codes: part of the API contract. */
export const WARNING_CODES = [
  'budget_below_paper_range',
  'budget_above_paper_range',
  'epochs_below_paper_range',
  'epochs_above_paper_range',
  'interpolated_variant',
  'ideal_model_larger_than_f7_plus',
  'ideal_model_smaller_than_f0',
  'dataset_repeated',
  'gpu_efficiency',
  'tpu_v3_efficiency',
  'custom_law',
  'alternative_predicted_better',
  'near_tie_preferred_paper_range',
  'max_epochs_leaves_budget_unspent',
  'learning_rate_batch_scaling',
  'learning_rate_above_previous_optimum',
  'prediction_bounded',
  'finetune_outside_figure1',
  'pick_near_tie',
  'pick_not_most_likely_best',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface PlanWarning {
  readonly code: WarningCode;
  readonly message: string;
}

/** A configuration with the strategy and objective that chose it, as alternatives carry. */
interface Chosen extends TrainingConfiguration {
  readonly reason?: string;
  readonly strategy?: Strategy;
  readonly objective?: Objective;
}

export interface WarningInput {
  readonly context: PlannerContext;
  readonly request: Pick<NormalizedRequest, 'datasetImages' | 'batchSize' | 'previousOptimalLearningRate'> &
    Partial<Pick<NormalizedRequest, 'objective'>>;
  readonly budget?: ConvertedBudget;
  readonly ideal?: { readonly flopsPerImage: number };
  readonly recommendation: TrainingConfiguration;
  /** maxEpochs stopped the recommendation before it spent the budget. */
  readonly capped?: boolean;
  readonly alternatives?: readonly Chosen[];
  /** The lowest predicted objective, when the near-tie preference recommended another run. */
  readonly bestPredicted?: TrainingConfiguration;
  readonly surface: LossSurface;
  readonly strategy?: Strategy;
}

/**
 * Below this share of ensemble members the pick is a near tie: the data do not say which of it and its runner-up is
 * better more often than a coin would.
 */
export const PICK_NEAR_TIE_SHARE = 0.5;

/**
 * How far past the paper's stated ranges a number may sit before it is "outside" them: the relative digitizing error
 * of the figures (data/paper/METHOD.md: about 0.3 %), plus, for epochs, the cost law's largest residual on a trained
 * variant, since a planned run's epochs inherit it (the paper's F7+ at 8 epochs is 8.06 epochs on the law).
 */
export const DIGITIZATION_TOLERANCE = 0.003;
const epochTolerances = new WeakMap<PlannerContext, number>();
function epochTolerance(context: PlannerContext): number {
  let tolerance = epochTolerances.get(context);
  if (tolerance === undefined) {
    let largest = 0;
    for (const cost of Object.values(context.laws.costModel.byVariant))
      largest = Math.max(largest, Math.abs(cost.costLawResidualPercent ?? 0) / 100);
    tolerance = largest + DIGITIZATION_TOLERANCE;
    epochTolerances.set(context, tolerance);
  }
  return tolerance;
}

const minBudget = FACTS.budgetMinTpuV4CoreHours.value;
const maxBudget = FACTS.budgetMaxTpuV4CoreHours.value;
const minEpochs = FACTS.minEpochsStudied.value;
const maxEpochs = FACTS.maxEpochsStudied.value;

/**
 * Where a plan leaves what the paper measured or what its laws can tell: budgets outside 0.4k-110k core hours,
 * epochs outside 0.25-8 (stated), a variant the paper did not train, an ideal model outside F0..F7+, more than 8
 * passes over a dataset smaller than JFT-4B, a GPU budget (NFNets were tuned for TPU-v4), a caller's own law, an
 * alternative the law predicts better by more than its own error, a near tie settled in favour of the paper's range,
 * maxEpochs leaving budget unspent, a batch past where linear learning-rate scaling is known to hold, a prediction
 * held at a physical bound, and an ImageNet plan outside the runs Figure 1 fine-tuned.
 */
export function collectWarnings(input: WarningInput): PlanWarning[] {
  const { context, request, budget, ideal, recommendation, surface } = input;
  const warnings: PlanWarning[] = [];
  const tolerance = epochTolerance(context);
  if (budget) {
    const C = budget.tpuV4CoreHours;
    if (C < minBudget * (1 - DIGITIZATION_TOLERANCE))
      add(
        warnings,
        'budget_below_paper_range',
        `${round(C)} TPU-v4 core hours is below the paper's smallest budget (${minBudget}); predictions are extrapolated.`,
      );
    if (C > maxBudget * (1 + DIGITIZATION_TOLERANCE))
      add(
        warnings,
        'budget_above_paper_range',
        `${round(C)} TPU-v4 core hours is above the paper's largest budget (~${maxBudget}); predictions are extrapolated.`,
      );
    if (budget.requested.unit === 'gpu_hours')
      add(
        warnings,
        'gpu_efficiency',
        'NFNets were tuned for TPU-v4 and the paper notes they run less efficiently on other devices; the GPU conversion may be optimistic.',
      );
    // The TPU-v3 ratio is the paper's, but measured on the ViT baselines' code (paper_facts.md, Vision Transformer
    // baselines): for NFNets, which the paper says run less efficiently off TPU-v4, it is likelier to flatter v3.
    if (budget.requested.unit === 'tpu_v3_core_hours')
      add(
        warnings,
        'tpu_v3_efficiency',
        "The TPU-v3 conversion is the one the paper measured on its ViT baselines' code; NFNets were tuned for TPU-v4 and the paper notes they run less efficiently on other devices, so this budget may buy fewer TPU-v4 core hours than converted.",
      );
    if (input.capped)
      add(
        warnings,
        'max_epochs_leaves_budget_unspent',
        `constraints.maxEpochs stops ${recommendation.model.name} at ${round(recommendation.epochs)} epochs, ${round(recommendation.costTpuV4CoreHours)} of the budget's ${round(C)} TPU-v4 core hours; a larger model or a higher maxEpochs would use the rest.`,
      );
  }
  const jftEpochs = recommendation.imagesSeen / FACTS.jftImages.value;
  if (jftEpochs < minEpochs * (1 - tolerance))
    add(
      warnings,
      'epochs_below_paper_range',
      `${round(jftEpochs)} JFT-4B epochs is below the paper's smallest epoch budget (${minEpochs}).`,
    );
  if (jftEpochs > maxEpochs * (1 + tolerance))
    add(
      warnings,
      'epochs_above_paper_range',
      `${round(jftEpochs)} JFT-4B epochs is above the paper's largest epoch budget (${maxEpochs}).`,
    );
  if (!recommendation.model.trainedInPaper)
    add(
      warnings,
      'interpolated_variant',
      `${recommendation.model.name} was not trained in the paper: its cost per epoch is the family cost law's and its predictions rest on the fitted laws alone.`,
    );
  if (ideal) {
    if (ideal.flopsPerImage > context.byName['F7+'].flopsPerImage)
      add(
        warnings,
        'ideal_model_larger_than_f7_plus',
        `The ideal model (${round(ideal.flopsPerImage / 1e9)} GFLOPs per image) is larger than NFNet-F7+, the largest variant; the plan trains a smaller model for longer.`,
      );
    if (ideal.flopsPerImage < context.byName.F0.flopsPerImage)
      add(
        warnings,
        'ideal_model_smaller_than_f0',
        `The ideal model (${round(ideal.flopsPerImage / 1e9)} GFLOPs per image) is smaller than NFNet-F0, the smallest variant; the plan trains a larger model for fewer epochs.`,
      );
  }
  if (request.datasetImages < FACTS.jftImages.value && recommendation.epochs > maxEpochs)
    add(
      warnings,
      'dataset_repeated',
      `${round(recommendation.epochs)} passes over ${request.datasetImages} images: the laws were fitted on at most ${maxEpochs} epochs of JFT-4B, and repeated data is worth less than fresh data.`,
    );
  if (surface.id !== context.paperLossSurface.id)
    add(
      warnings,
      'custom_law',
      `Predicted JFT loss and the fitted strategy use the caller's law ${surface.id}, not the paper's.`,
    );
  const objective = request.objective;
  if (objective !== undefined) addChoiceWarnings(input, objective, warnings);
  addShareWarnings(input, warnings);
  if (request.batchSize > FACTS.linearScalingMaxBatchSize.value)
    add(
      warnings,
      'learning_rate_batch_scaling',
      `The learning rate is scaled linearly from the paper's batch of ${FACTS.batchSize.value} to ${request.batchSize}; linear scaling is known to break down past about ${FACTS.linearScalingMaxBatchSize.value} images (${FACTS.linearScalingMaxBatchSize.source}), so tune it more widely than the two trials.`,
    );
  // Figure 3: the optimal rate falls as models and runs grow (paper_facts.md), so a larger run's law rate above the
  // caller's own optimum for a smaller one contradicts their data; the trials start from theirs.
  const previous = request.previousOptimalLearningRate;
  if (previous !== undefined && recommendation.learningRate.value > previous)
    add(
      warnings,
      'learning_rate_above_previous_optimum',
      `The law's learning rate, ${round(recommendation.learningRate.value)}, is above your optimum for a smaller run, ${round(previous)}; the optimum falls as models and runs grow (Figure 3), so the two trials start from yours (${recommendation.learningRate.trials.map(round).join(', ')}).`,
    );
  const { jftValidationLoss, imagenetTop1Percent } = recommendation.predicted;
  if (jftValidationLoss >= MAX_JFT_VALIDATION_LOSS || imagenetTop1Percent <= MIN_IMAGENET_TOP1_PERCENT)
    add(
      warnings,
      'prediction_bounded',
      `The laws extrapolated to ${round(jftEpochs)} JFT-4B epochs leave what is possible; predictions are held at the bounds (JFT-4B loss at most ln ${FACTS.jftClasses.value} = ${round(MAX_JFT_VALIDATION_LOSS)}, a uniform guess; ImageNet top-1 at least ${MIN_IMAGENET_TOP1_PERCENT} %, chance).`,
    );
  if (objective === 'imagenet_top1') {
    const range = FIGURE1_EPOCHS.get(recommendation.model.name);
    const inside =
      range !== undefined &&
      jftEpochs >= range.min * (1 - tolerance) &&
      jftEpochs <= range.max * (1 + tolerance);
    if (!inside)
      add(
        warnings,
        'finetune_outside_figure1',
        range === undefined
          ? `Figure 1 fine-tuned no ${recommendation.model.name}; its predicted top-1 rests on the fine-tuning law alone.`
          : `Figure 1 fine-tuned ${recommendation.model.name} only from ${range.min} to ${range.max} JFT-4B epochs; ${round(jftEpochs)} is outside, so its predicted top-1 is extrapolated.`,
      );
  }
  return warnings;
}

/** What the ensemble says of the pick: a near tie, or a listed run that is the best under more members. */
function addShareWarnings(input: WarningInput, warnings: PlanWarning[]): void {
  const mine = input.recommendation.pickShare;
  if (mine === undefined) return;
  let runnerUp: Chosen | undefined;
  for (const alt of input.alternatives ?? [])
    if (
      alt.pickShare !== undefined &&
      alt.model.name !== input.recommendation.model.name &&
      (runnerUp === undefined || alt.pickShare > (runnerUp.pickShare as number))
    )
      runnerUp = alt;
  const percent = (share: number) => `${round(share * 100)} %`;
  const other =
    runnerUp &&
    `${runnerUp.model.name} at ${round(runnerUp.epochs)} epochs (${percent(runnerUp.pickShare as number)})`;
  if (mine < PICK_NEAR_TIE_SHARE)
    add(
      warnings,
      'pick_near_tie',
      `The recommendation is the best run under only ${percent(mine)} of the ensemble's members (less than ${percent(PICK_NEAR_TIE_SHARE)}): ${
        // A runner-up that most members prefer is no tie: the laws tell the runs apart, and prefer the other.
        runnerUp && (runnerUp.pickShare as number) > PICK_NEAR_TIE_SHARE
          ? 'most members prefer another run'
          : 'the laws cannot tell it apart from its rivals'
      }${other ? `; the runner-up is ${other}` : ''}.`,
    );
  if (runnerUp && (runnerUp.pickShare as number) > mine)
    add(
      warnings,
      'pick_not_most_likely_best',
      `${other} is the best run under more of the ensemble's members than the recommendation (${percent(mine)}), because ${
        input.strategy === 'equal_rate'
          ? "equal_rate follows the paper's stated rule, not the laws' optimum"
          : input.bestPredicted
            ? "the near-tie preference keeps the run inside the paper's measured range"
            : "the fit to the data and most of its bootstrap replicates disagree, within the fit's uncertainty"
      }.`,
    );
}

function add(warnings: PlanWarning[], code: WarningCode, message: string): void {
  warnings.push({ code, message });
}

function addChoiceWarnings(input: WarningInput, objective: Objective, warnings: PlanWarning[]): void {
  const { context, recommendation } = input;
  const tolerance =
    objective === 'jft_loss'
      ? context.laws.jftLoss.quality.rmseRelative
      : context.laws.finetune.quality.rmseRelative;
  const mine = objectiveOf(recommendation, objective);
  const what = objective === 'jft_loss' ? 'JFT-4B loss' : 'ImageNet top-1 error';
  for (const alt of input.alternatives ?? []) {
    if (objectiveOf(alt, objective) < mine * (1 - tolerance))
      add(
        warnings,
        'alternative_predicted_better',
        `The ${alt.reason ?? 'alternative'} ${alt.model.name} at ${round(alt.epochs)} epochs is predicted ${round(((mine - objectiveOf(alt, objective)) / mine) * 100)} % better on ${what} than the recommendation, more than the law's own error (${round(tolerance * 100)} %).`,
      );
  }
  if (input.bestPredicted)
    add(
      warnings,
      'near_tie_preferred_paper_range',
      `${input.bestPredicted.model.name} at ${round(input.bestPredicted.epochs)} epochs is predicted slightly better (${round(((mine - objectiveOf(input.bestPredicted, objective)) / mine) * 100)} %, within the law's own error of ${round(tolerance * 100)} %) but lies outside what the paper measured (${objective === 'jft_loss' ? "Figure 2's pre-training runs" : "Figure 1's fine-tuned runs"}); the recommendation is the near-tied run inside it.`,
    );
}

function objectiveOf(c: TrainingConfiguration, objective: Objective): number {
  return objective === 'jft_loss' ? c.predicted.jftValidationLoss : 100 - c.predicted.imagenetTop1Percent;
}

function round(value: number): string {
  return Number(value.toPrecision(3)).toString();
}
