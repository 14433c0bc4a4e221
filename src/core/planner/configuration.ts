import { FACTS } from '../dataset/facts.js';
import { InfeasibleError } from '../errors.js';
import { predictImagenetTop1ErrorPercent } from '../laws/finetuneLaw.js';
import { learningRateTrialsFrom, predictLearningRate, snapLearningRate } from '../laws/learningRate.js';
import { predictSurface } from '../laws/surface.js';
import type { LossSurface, ModelEntry, PlannerContext } from './context.js';

/** The schedule the paper's runs used (stated: cosine decay, base learning rate tuned per epoch budget). */
export const LEARNING_RATE_SCHEDULE = 'cosine decay to zero over the run (as in the paper)';

export interface Predictions {
  /** From the JFT-4B loss surface in use (the paper's Figure 2 fit unless the caller gave its own). */
  readonly jftValidationLoss: number;
  /** 100 - the fine-tuning law's top-1 error (Figure 1 fit). */
  readonly imagenetTop1Percent: number;
}

export interface LearningRatePlan {
  /** The law's optimum snapped to the paper's factor-2 grid. */
  readonly value: number;
  /** The two values to try (the paper's "tune within 2 trials"). */
  readonly trials: readonly [number, number];
  readonly schedule: string;
}

/** One pre-training run: a variant trained for some epochs of a dataset, with its cost and predictions. */
export interface TrainingConfiguration {
  readonly model: {
    readonly name: ModelEntry['name'];
    readonly params: number;
    readonly flopsPerImage: number;
    /** One epoch of the request's dataset. */
    readonly costPerEpochTpuV4CoreHours: number;
    readonly costSource: ModelEntry['costSource'];
  };
  readonly epochs: number;
  readonly imagesSeen: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: LearningRatePlan;
  readonly predicted: Predictions;
  readonly costTpuV4CoreHours: number;
  readonly finetuneCostTpuV4CoreHours: number;
  readonly wallClockHours?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ConfigurationOptions {
  readonly datasetImages: number;
  readonly batchSize: number;
  readonly cores?: number;
  readonly previousOptimalLearningRate?: number;
}

/** Both predictions for `epochs` of `datasetImages` images on `model`, D = epochs x datasetImages. */
export function predict(
  context: PlannerContext,
  surface: LossSurface,
  model: ModelEntry,
  epochs: number,
  datasetImages: number,
): Predictions {
  const jftValidationLoss = predictSurface(surface.coefficients, model.flopsPerImage, epochs * datasetImages);
  const top1Error = predictImagenetTop1ErrorPercent(
    context.laws.finetune,
    model.flopsPerImage,
    epochs,
    datasetImages,
  );
  const predictions = { jftValidationLoss, imagenetTop1Percent: 100 - top1Error };
  if (!Number.isFinite(jftValidationLoss) || !Number.isFinite(top1Error))
    throw new InfeasibleError(`the laws give no finite prediction for ${model.name} at ${epochs} epochs`, {
      model: model.name,
      epochs,
    });
  return predictions;
}

/**
 * Everything a scheduler needs to launch one run: cost = epochs x cost per epoch (scaled to the dataset size),
 * steps = ceil(images seen / batch size), learning rate and trials from the Figure 3 law, fine-tuning cost, and
 * wall-clock hours = cost / cores when the caller gives its core count.
 */
export function describeConfiguration(
  context: PlannerContext,
  surface: LossSurface,
  model: ModelEntry,
  epochs: number,
  options: ConfigurationOptions,
  predicted: Predictions = predict(context, surface, model, epochs, options.datasetImages),
): TrainingConfiguration {
  const { datasetImages, batchSize } = options;
  const costPerEpochTpuV4CoreHours =
    model.costPerEpochTpuV4CoreHours * (datasetImages / FACTS.jftImages.value);
  const imagesSeen = epochs * datasetImages;
  // The learning-rate law is in JFT-4B epochs (Figure 3); what sets it is how many images the run sees.
  const jftEpochs = imagesSeen / FACTS.jftImages.value;
  const learningRateLaw = context.laws.learningRate;
  const costTpuV4CoreHours = epochs * costPerEpochTpuV4CoreHours;
  const learningRate = snapLearningRate(predictLearningRate(learningRateLaw, model.flopsPerImage, jftEpochs));
  const configuration: Mutable<TrainingConfiguration> = {
    model: {
      name: model.name,
      params: model.params,
      flopsPerImage: model.flopsPerImage,
      costPerEpochTpuV4CoreHours,
      costSource: model.costSource,
    },
    epochs,
    imagesSeen,
    steps: Math.ceil(imagesSeen / batchSize),
    batchSize,
    learningRate: {
      value: learningRate,
      // From the caller's optimum for a smaller configuration when given (normalizeRequest has checked it), else from
      // the prediction above, so the law is evaluated once.
      trials: learningRateTrialsFrom(options.previousOptimalLearningRate ?? learningRate),
      schedule: LEARNING_RATE_SCHEDULE,
    },
    predicted,
    costTpuV4CoreHours,
    finetuneCostTpuV4CoreHours: model.finetuneCostTpuV4CoreHours,
  };
  if (options.cores !== undefined) configuration.wallClockHours = costTpuV4CoreHours / options.cores;
  return configuration;
}
