/**
 * Response schema of GET /v1/dataset: the paper's digitized figure data and stated facts, each with its provenance.
 */
import { z } from 'zod';
import { FACTS } from '../../core/dataset/facts.js';
import { PAPER_TRAINED_VARIANTS } from '../../core/dataset/figures.js';

const TPU_V4_CORE_HOURS_BOUND = 1e9;

const tpuV4CoreHours = z
  .number()
  .positive()
  .max(TPU_V4_CORE_HOURS_BOUND)
  .describe('Pre-training compute in TPU-v4 core hours, as digitized.');
const epochs = z.number().positive().max(1000).describe('Nominal pre-training epochs over JFT-4B.');
const trainedVariant = z.enum(PAPER_TRAINED_VARIANTS).describe('NFNet variant trained in the paper.');

const Figure2PointSchema = z.object({
  model: trainedVariant,
  epochs,
  tpuV4CoreHours,
  jftValidationLoss: z
    .number()
    .positive()
    .max(100)
    .describe('Held-out JFT-4B validation loss (130k images).'),
  occlusion: z
    .enum(['partly_occluded', 'mostly_occluded'])
    .nullable()
    .describe(
      'How much of the marker later curves cover, which widens its digitizing error; null when visible.',
    ),
});

const Figure1PointSchema = z.object({
  model: z.string().describe('NFNet variant, or the name of a reference model (e.g. "ViT-g/14").'),
  epochs: epochs.nullable().describe('Nominal pre-training epochs; null for the ViT baselines.'),
  tpuV4CoreHours,
  imagenetTop1ErrorPercent: z
    .number()
    .positive()
    .max(100)
    .describe('ImageNet top-1 error (%) after fine-tuning at 384 px, as digitized.'),
  flag: z
    .enum(['partly_occluded', 'epochs_inferred', 'baseline'])
    .nullable()
    .describe(
      'partly_occluded: the marker is partly covered; epochs_inferred: the epochs are not printed but inferred; ' +
        'baseline: a reference model, never fitted; null: nothing to note.',
    ),
});

const Figure3PointSchema = z.object({
  model: z.enum(['F0', 'F3', 'F7+']).describe('NFNet variant of the learning-rate sweep.'),
  epochs,
  optimalLearningRate: z
    .number()
    .positive()
    .max(100)
    .describe('Best base learning rate of the sweep (a factor-2 grid), as digitized.'),
});

function figure<T extends z.ZodType>(points: T, what: string) {
  return z.object({
    figure: z.string().describe('Which figure of the paper the points come from.'),
    title: z.string().describe('What the figure plots.'),
    provenance: z
      .literal('digitized')
      .describe('Measured from the published figure, since no raw data were published.'),
    points: z.array(points).max(1000).describe(what),
  });
}

const FactSchema = z.object({
  id: z
    .enum(Object.keys(FACTS) as [keyof typeof FACTS, ...(keyof typeof FACTS)[]])
    .describe('Stable fact id.'),
  value: z.number().describe('The number as stated.'),
  unit: z.string().describe('Its unit.'),
  meaning: z.string().describe('What the number means, in words.'),
  source: z.string().describe("Where it is stated: the paper's section, or the vendor document."),
  provenance: z
    .enum(['stated', 'vendor', 'literature'])
    .describe(
      "stated: quoted from the paper's text; vendor: a hardware figure from the vendor's documentation; literature: a finding of another paper, cited in source.",
    ),
});

export const DatasetResponseSchema = z
  .object({
    paper: z.object({
      title: z.string(),
      authors: z.array(z.string()).max(20),
      arxiv: z.string().describe('arXiv identifier.'),
      url: z.string().describe('Abstract page of the paper.'),
    }),
    figure1: figure(
      Figure1PointSchema,
      'One point per NFNet pre-training run that was fine-tuned (25 points).',
    ),
    figure1ReferencePoints: figure(
      Figure1PointSchema,
      "Figure 1's comparison points: F7+ with repeated augmentation and three ViT baselines; never fitted.",
    ),
    figure2: figure(Figure2PointSchema, '6 models x 6 epoch budgets (36 points).'),
    figure3: figure(Figure3PointSchema, 'F0, F3 and F7+ at 6 epoch budgets each (18 points).'),
    facts: z.array(FactSchema).max(1000).describe('Numbers stated in the text, and vendor hardware figures.'),
  })
  .describe("The paper's data points and stated facts, each with its provenance.")
  .meta({ id: 'Dataset' });

export type DatasetResponse = z.infer<typeof DatasetResponseSchema>;
