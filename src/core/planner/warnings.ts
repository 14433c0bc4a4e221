import { FACTS } from '../dataset/facts.js';
import type { ConvertedBudget } from '../units/budget.js';
import type { TrainingConfiguration } from './configuration.js';
import type { LossSurface, PlannerContext } from './context.js';
import type { IdealAllocation } from './plan.js';
import type { NormalizedRequest } from './request.js';

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
  'custom_law',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface PlanWarning {
  readonly code: WarningCode;
  readonly message: string;
}

export interface WarningInput {
  readonly context: PlannerContext;
  readonly request: Pick<NormalizedRequest, 'datasetImages'>;
  readonly budget?: ConvertedBudget;
  readonly ideal?: IdealAllocation;
  readonly recommendation: TrainingConfiguration;
  readonly surface: LossSurface;
}

const minBudget = FACTS.budgetMinTpuV4CoreHours.value;
const maxBudget = FACTS.budgetMaxTpuV4CoreHours.value;
const minEpochs = FACTS.minEpochsStudied.value;
const maxEpochs = FACTS.maxEpochsStudied.value;

/**
 * Where a plan leaves what the paper measured: budgets outside 0.4k-110k core hours, epochs outside 0.25-8
 * (stated), a variant the paper did not train, an ideal model outside F0..F7+, more than 8 passes over a dataset
 * smaller than JFT-4B, a GPU budget (NFNets were tuned for TPU-v4) or a caller's own law.
 */
export function collectWarnings(input: WarningInput): PlanWarning[] {
  const { context, request, budget, ideal, recommendation, surface } = input;
  const warnings: PlanWarning[] = [];
  const add = (code: WarningCode, message: string) => warnings.push({ code, message });
  if (budget) {
    const C = budget.tpuV4CoreHours;
    if (C < minBudget)
      add(
        'budget_below_paper_range',
        `${round(C)} TPU-v4 core hours is below the paper's smallest budget (${minBudget}); predictions are extrapolated.`,
      );
    if (C > maxBudget)
      add(
        'budget_above_paper_range',
        `${round(C)} TPU-v4 core hours is above the paper's largest budget (~${maxBudget}); predictions are extrapolated.`,
      );
    if (budget.requested.unit === 'gpu_hours')
      add(
        'gpu_efficiency',
        'NFNets were tuned for TPU-v4 and the paper notes they run less efficiently on other devices; the GPU conversion may be optimistic.',
      );
  }
  const jftEpochs = recommendation.imagesSeen / FACTS.jftImages.value;
  if (jftEpochs < minEpochs)
    add(
      'epochs_below_paper_range',
      `${round(jftEpochs)} JFT-4B epochs is below the paper's smallest epoch budget (${minEpochs}).`,
    );
  if (jftEpochs > maxEpochs)
    add(
      'epochs_above_paper_range',
      `${round(jftEpochs)} JFT-4B epochs is above the paper's largest epoch budget (${maxEpochs}).`,
    );
  if (recommendation.model.costSource === 'interpolated')
    add(
      'interpolated_variant',
      `${recommendation.model.name} was not trained in the paper: its cost per epoch is interpolated from the six trained variants and its predictions rest on the fitted laws alone.`,
    );
  if (ideal) {
    if (ideal.flopsPerImage > context.byName['F7+'].flopsPerImage)
      add(
        'ideal_model_larger_than_f7_plus',
        `The ideal model (${round(ideal.flopsPerImage / 1e9)} GFLOPs per image) is larger than NFNet-F7+, the largest variant; the plan trains a smaller model for longer.`,
      );
    if (ideal.flopsPerImage < context.byName.F0.flopsPerImage)
      add(
        'ideal_model_smaller_than_f0',
        `The ideal model (${round(ideal.flopsPerImage / 1e9)} GFLOPs per image) is smaller than NFNet-F0, the smallest variant; the plan trains a larger model for fewer epochs.`,
      );
  }
  if (request.datasetImages < FACTS.jftImages.value && recommendation.epochs > maxEpochs)
    add(
      'dataset_repeated',
      `${round(recommendation.epochs)} passes over ${request.datasetImages} images: the laws were fitted on at most ${maxEpochs} epochs of JFT-4B, and repeated data is worth less than fresh data.`,
    );
  if (surface.id !== context.paperLossSurface.id)
    add(
      'custom_law',
      `Predicted JFT loss and the fitted strategy use the caller's law ${surface.id}, not the paper's.`,
    );
  return warnings;
}

function round(value: number): string {
  return Number(value.toPrecision(3)).toString();
}
