/**
 * The label/value block for one training configuration: shared by `scaleplan plan` (its recommendation) and
 * `scaleplan evaluate`, so both print a run the same way.
 */
import type { TrainingConfiguration } from '../core/planner/configuration.js';
import type { PlanWarning } from '../core/planner/warnings.js';
import type { Interval } from '../core/uncertainty/intervals.js';
import { formatCoreHours } from '../core/units/formatCoreHours.js';
import { formatCount, formatLoss, formatPercent, formatQuantity, formatScaled } from './format.js';
import { renderPairs } from './table.js';

/** `devices` names the hardware for the wall clock, e.g. "512 x h100" or "128 TPU-v4 cores". */
export function configurationPairs(
  configuration: TrainingConfiguration,
  devices: string | undefined,
): [string, string][] {
  const { model, learningRate, predicted } = configuration;
  const costNote = model.trainedInPaper
    ? 'family cost law; trained in the paper'
    : 'family cost law; not trained in the paper';
  const pairs: [string, string][] = [
    [
      'Model',
      `NFNet-${model.name} (${formatScaled(model.params)} params, ${formatScaled(model.flopsPerImage)}FLOPs/image)`,
    ],
    [
      'Cost per epoch',
      `${formatCoreHours(model.costPerEpochTpuV4CoreHours)} TPU-v4 core hours (${costNote})`,
    ],
    ['Epochs', formatQuantity(configuration.epochs)],
    ['Images seen', formatScaled(configuration.imagesSeen)],
    ['Steps', `${formatCount(configuration.steps)} at batch size ${formatCount(configuration.batchSize)}`],
    ['Pre-training cost', `${formatCoreHours(configuration.costTpuV4CoreHours)} TPU-v4 core hours`],
    [
      'Learning rate',
      `${formatQuantity(learningRate.value)} (trials ${learningRate.trials.map(formatQuantity).join(' and ')}; ${learningRate.schedule})`,
    ],
    [
      'JFT-4B loss',
      `${formatLoss(predicted.jftValidationLoss)} (predicted${intervalsText(
        predicted.jftValidationLossConfidenceInterval,
        predicted.jftValidationLossPredictionInterval,
        formatLoss,
      )})`,
    ],
    [
      'ImageNet top-1',
      `${formatPercent(predicted.imagenetTop1Percent)} % (predicted, after fine-tuning${intervalsText(
        predicted.imagenetTop1PercentConfidenceInterval,
        predicted.imagenetTop1PercentPredictionInterval,
        formatPercent,
      )})`,
    ],
    ['Fine-tune cost', `${formatCoreHours(configuration.finetuneCostTpuV4CoreHours)} TPU-v4 core hours`],
  ];
  if (configuration.wallClockHours !== undefined && devices !== undefined)
    pairs.push([
      'Wall clock',
      `${formatQuantity(configuration.wallClockHours)} hours on ${devices}` +
        (configuration.acceleratorHours === undefined
          ? ''
          : ` (${formatQuantity(configuration.acceleratorHours)} device hours)`),
    ]);
  if (configuration.price !== undefined) pairs.push(['Price', formatQuantity(configuration.price)]);
  if (configuration.pickShare !== undefined)
    pairs.push([
      'Pick share',
      `best under ${formatPercent(configuration.pickShare * 100)} % of the ensemble`,
    ]);
  return pairs;
}

/** "; confidence a-b, prediction c-d" at the response's level, or nothing without intervals. */
function intervalsText(
  confidence: Interval | undefined,
  prediction: Interval | undefined,
  format: (x: number) => string,
): string {
  if (confidence === undefined || prediction === undefined) return '';
  const range = (i: Interval) => `${format(i.lower)}-${format(i.upper)}`;
  return `; confidence ${range(confidence)}, prediction ${range(prediction)}`;
}

/** The configuration's block, indented under a section title. */
export function renderConfiguration(
  configuration: TrainingConfiguration,
  devices: string | undefined,
): string {
  return renderPairs(configurationPairs(configuration, devices));
}

/** Warnings as a bulleted list with their stable codes, or nothing when there are none. */
export function renderWarnings(warnings: readonly PlanWarning[]): string | undefined {
  if (warnings.length === 0) return undefined;
  return `Warnings\n${warnings.map((w) => `  - ${w.message} [${w.code}]`).join('\n')}`;
}
