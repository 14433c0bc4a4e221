import { TRAINING_FLOPS_PER_FORWARD_FLOP } from '../cost/throughput.js';
import { FACTS } from '../dataset/facts.js';
import { InfeasibleError } from '../errors.js';
import { predictImagenetTop1ErrorPercent } from '../laws/finetuneLaw.js';
import { learningRateTrialsFrom, predictLearningRate, snapLearningRate } from '../laws/learningRate.js';
import { predictSurface } from '../laws/surface.js';
import {
  type MemberQuantiles,
  type PredictionIntervals,
  predictionIntervals,
} from '../uncertainty/intervals.js';
import { rowQuantiles, surfaceMembersAt } from '../uncertainty/surfaceMembers.js';
import { type ResolvedHardware, runOnHardware } from '../units/hardware.js';
import type { LossSurface, ModelEntry, PlannerContext } from './context.js';

/** The schedule the paper's runs used (stated: cosine decay, base learning rate tuned per epoch budget). */
export const LEARNING_RATE_SCHEDULE = 'cosine decay to zero over the run (as in the paper)';

/**
 * Upper bound of any predicted JFT-4B loss: ln 30,000 nats, the loss of a uniform guess over JFT-4B's 30k classes
 * (stated class count). A law extrapolated to a tiny run can exceed it; no trained model does.
 */
export const MAX_JFT_VALIDATION_LOSS = Math.log(FACTS.jftClasses.value);
/** Lower bound of any predicted ImageNet top-1: chance over its 1,000 classes (stated), 0.1 %. */
export const MIN_IMAGENET_TOP1_PERCENT = 100 / FACTS.imagenetClasses.value;

export interface Predictions extends Partial<PredictionIntervals> {
  /**
   * From the JFT-4B loss surface in use (the paper's Figure 2 fit unless the caller gave its own), at most
   * MAX_JFT_VALIDATION_LOSS. The surface's form keeps it above its irreducible term E.
   */
  readonly jftValidationLoss: number;
  /** 100 - the fine-tuning law's top-1 error (Figure 1 fit), at least MIN_IMAGENET_TOP1_PERCENT and below 100. */
  readonly imagenetTop1Percent: number;
}

export interface LearningRatePlan {
  /** The law's optimum on the paper's factor-2 grid (batch 4096), scaled linearly to the run's batch size. */
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
    /** One epoch of the request's dataset, from the family cost law. */
    readonly costPerEpochTpuV4CoreHours: number;
    readonly trainedInPaper: boolean;
  };
  readonly epochs: number;
  readonly imagesSeen: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: LearningRatePlan;
  readonly predicted: Predictions;
  readonly costTpuV4CoreHours: number;
  /** 3 x forward FLOPs per image x images seen. */
  readonly trainingFlops: number;
  readonly finetuneCostTpuV4CoreHours: number;
  /** On the request's hardware: the run's length. */
  readonly wallClockHours?: number;
  /** wallClockHours x devices. */
  readonly acceleratorHours?: number;
  /** acceleratorHours x the given price per accelerator hour. */
  readonly price?: number;
  /** In a plan: the share of ensemble members under which this run is the best of the candidates. */
  readonly pickShare?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ConfigurationOptions {
  readonly datasetImages: number;
  readonly batchSize: number;
  readonly hardware?: ResolvedHardware;
  readonly previousOptimalLearningRate?: number;
  /** Level of the intervals, when the context carries an ensemble. */
  readonly intervalLevel?: number;
}

/**
 * Both predictions for `epochs` of `datasetImages` images on `model`, D = epochs x datasetImages, held within what is
 * physically possible (MAX_JFT_VALIDATION_LOSS, MIN_IMAGENET_TOP1_PERCENT); warnings.ts says when a bound was hit.
 */
export function predict(
  context: PlannerContext,
  surface: LossSurface,
  model: ModelEntry,
  epochs: number,
  datasetImages: number,
): Predictions {
  const loss = predictSurface(surface.coefficients, model.flopsPerImage, epochs * datasetImages);
  const top1Error = predictImagenetTop1ErrorPercent(
    context.laws.finetune,
    model.flopsPerImage,
    epochs,
    datasetImages,
  );
  if (Number.isNaN(loss) || Number.isNaN(top1Error))
    throw new InfeasibleError(`the laws give no prediction for ${model.name} at ${epochs} epochs`, {
      model: model.name,
      epochs,
    });
  return {
    jftValidationLoss: Math.min(loss, MAX_JFT_VALIDATION_LOSS),
    imagenetTop1Percent: Math.max(100 - top1Error, MIN_IMAGENET_TOP1_PERCENT),
  };
}

/**
 * The predictions with their intervals, when there is an ensemble of the laws in use: the paper's (the context's), or
 * a caller's law's own (its jackknife fits, from POST /v1/fits) beside the paper's fine-tuning law's. A caller's law
 * sent without one gives points.
 */
function withIntervals(
  context: PlannerContext,
  surface: LossSurface,
  model: ModelEntry,
  imagesSeen: number,
  predicted: Predictions,
  level: number | undefined,
  jftLossMembers: Float64Array | undefined,
): Predictions {
  const uncertainty = context.uncertainty;
  if (uncertainty === undefined || level === undefined) return predicted;
  const own = surface.ensemble;
  if (surface !== context.paperLossSurface && own === undefined) return predicted;
  let lossMembers: MemberQuantiles | undefined;
  if (own !== undefined) {
    let members = jftLossMembers;
    if (members === undefined) {
      members = new Float64Array(own.memberCount);
      surfaceMembersAt(
        own,
        own.fits,
        own.models,
        model.flopsPerImage,
        imagesSeen,
        MAX_JFT_VALIDATION_LOSS,
        members,
      );
    }
    lossMembers = rowQuantiles(members, own.residualLogSd);
  }
  return {
    jftValidationLoss: predicted.jftValidationLoss,
    ...predictionIntervals(
      uncertainty,
      model.name,
      imagesSeen,
      predicted,
      level,
      { maxJftValidationLoss: MAX_JFT_VALIDATION_LOSS, minImagenetTop1Percent: MIN_IMAGENET_TOP1_PERCENT },
      lossMembers,
    ),
    imagenetTop1Percent: predicted.imagenetTop1Percent,
  };
}

/**
 * Everything a scheduler needs to launch one run: cost = epochs x cost per epoch (scaled to the dataset size),
 * training FLOPs = 3 x F x images seen, steps = ceil(images seen / batch size), learning rate and trials from the
 * Figure 3 law, fine-tuning cost, and the wall clock, device hours and price on the request's hardware.
 *
 * The learning rate: the paper's optima are for batch 4096 (stated); for another batch B the snapped optimum is scaled
 * by B / 4096, the linear scaling rule NFNets were trained with (Brock et al. 2021, arXiv 2102.06171: base rate
 * 0.1 x B / 256, and 1.6 = 0.1 x 4096 / 256). A previous optimum is the caller's, at its own batch: trials start there.
 */
export function describeConfiguration(
  context: PlannerContext,
  surface: LossSurface,
  model: ModelEntry,
  epochs: number,
  options: ConfigurationOptions,
  predicted: Predictions = predict(context, surface, model, epochs, options.datasetImages),
  jftLossMembers?: Float64Array,
): TrainingConfiguration {
  const { datasetImages, batchSize } = options;
  const costPerEpochTpuV4CoreHours =
    model.costPerEpochTpuV4CoreHours * (datasetImages / FACTS.jftImages.value);
  const imagesSeen = epochs * datasetImages;
  // The learning-rate law is in JFT-4B epochs (Figure 3); what sets it is how many images the run sees.
  const jftEpochs = imagesSeen / FACTS.jftImages.value;
  const costTpuV4CoreHours = epochs * costPerEpochTpuV4CoreHours;
  const trainingFlops = TRAINING_FLOPS_PER_FORWARD_FLOP * model.flopsPerImage * imagesSeen;
  const learningRate =
    snapLearningRate(predictLearningRate(context.laws.learningRate, model.flopsPerImage, jftEpochs)) *
    (batchSize / FACTS.batchSize.value);
  const configuration: Mutable<TrainingConfiguration> = {
    model: {
      name: model.name,
      params: model.params,
      flopsPerImage: model.flopsPerImage,
      costPerEpochTpuV4CoreHours,
      trainedInPaper: model.trainedInPaper,
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
    predicted: withIntervals(
      context,
      surface,
      model,
      imagesSeen,
      predicted,
      options.intervalLevel,
      jftLossMembers,
    ),
    costTpuV4CoreHours,
    trainingFlops,
    finetuneCostTpuV4CoreHours: model.finetuneCostTpuV4CoreHours,
  };
  if (options.hardware !== undefined) {
    const run = runOnHardware(options.hardware, costTpuV4CoreHours, trainingFlops);
    configuration.wallClockHours = run.wallClockHours;
    configuration.acceleratorHours = run.acceleratorHours;
    if (run.price !== undefined) configuration.price = run.price;
  }
  return configuration;
}
