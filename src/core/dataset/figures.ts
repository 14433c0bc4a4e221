/**
 * The figures of Smith, Brock, Berrada & De (2023), "ConvNets Match Vision Transformers at Scale",
 * arXiv 2310.16764, as digitized from the published images (data/paper/METHOD.md: no raw data were
 * published; every value was measured from the figure's pixels, to about ±0.3 % in compute and ±0.001 in loss).
 *
 * This module is the planner's own copy of data/paper/*.csv; tests/core/dataset.test.ts checks the two agree.
 */

/** The six NFNet variants trained in the scaling study. */
export const PAPER_TRAINED_VARIANTS = ['F0', 'F1', 'F3', 'F3+', 'F7', 'F7+'] as const;
export type PaperTrainedVariant = (typeof PAPER_TRAINED_VARIANTS)[number];

/** How much of a marker later curves cover (METHOD.md §4); null when fully visible. */
export type Occlusion = 'partly_occluded' | 'mostly_occluded' | null;

export interface Figure2Point {
  readonly model: PaperTrainedVariant;
  /** Nominal epoch budget over JFT-4B given to the marker (assigned in order of compute, not measured). */
  readonly epochs: number;
  readonly tpuV4CoreHours: number;
  /** Held-out JFT-4B validation loss (130k images). */
  readonly jftValidationLoss: number;
  readonly occlusion: Occlusion;
}

/** Figure 2: JFT-4B held-out loss against pre-training compute, 6 models x 6 epoch budgets. */
export const FIGURE2_JFT_VALIDATION_LOSS: readonly Figure2Point[] = [
  { model: 'F0', epochs: 0.25, tpuV4CoreHours: 400.6, jftValidationLoss: 2.985, occlusion: null },
  { model: 'F0', epochs: 0.5, tpuV4CoreHours: 800.3, jftValidationLoss: 2.89, occlusion: 'partly_occluded' },
  { model: 'F0', epochs: 1, tpuV4CoreHours: 1600, jftValidationLoss: 2.83, occlusion: 'partly_occluded' },
  { model: 'F0', epochs: 2, tpuV4CoreHours: 3199, jftValidationLoss: 2.748, occlusion: null },
  { model: 'F0', epochs: 4, tpuV4CoreHours: 6504, jftValidationLoss: 2.703, occlusion: null },
  { model: 'F0', epochs: 8, tpuV4CoreHours: 12980, jftValidationLoss: 2.663, occlusion: null },
  { model: 'F1', epochs: 0.25, tpuV4CoreHours: 700.8, jftValidationLoss: 2.903, occlusion: null },
  { model: 'F1', epochs: 0.5, tpuV4CoreHours: 1300, jftValidationLoss: 2.817, occlusion: null },
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: a digitized loss, not Euler's number
  { model: 'F1', epochs: 1, tpuV4CoreHours: 2700, jftValidationLoss: 2.718, occlusion: null },
  { model: 'F1', epochs: 2, tpuV4CoreHours: 5403, jftValidationLoss: 2.649, occlusion: 'partly_occluded' },
  { model: 'F1', epochs: 4, tpuV4CoreHours: 10710, jftValidationLoss: 2.6, occlusion: 'mostly_occluded' },
  { model: 'F1', epochs: 8, tpuV4CoreHours: 21370, jftValidationLoss: 2.555, occlusion: null },
  { model: 'F3', epochs: 0.25, tpuV4CoreHours: 1201, jftValidationLoss: 2.869, occlusion: null },
  { model: 'F3', epochs: 0.5, tpuV4CoreHours: 2402, jftValidationLoss: 2.753, occlusion: null },
  { model: 'F3', epochs: 1, tpuV4CoreHours: 4902, jftValidationLoss: 2.658, occlusion: 'partly_occluded' },
  { model: 'F3', epochs: 2, tpuV4CoreHours: 9805, jftValidationLoss: 2.574, occlusion: 'partly_occluded' },
  { model: 'F3', epochs: 4, tpuV4CoreHours: 19580, jftValidationLoss: 2.505, occlusion: null },
  { model: 'F3', epochs: 8, tpuV4CoreHours: 39050, jftValidationLoss: 2.469, occlusion: null },
  { model: 'F3+', epochs: 0.25, tpuV4CoreHours: 1801, jftValidationLoss: 2.816, occlusion: null },
  { model: 'F3+', epochs: 0.5, tpuV4CoreHours: 3499, jftValidationLoss: 2.717, occlusion: null },
  { model: 'F3+', epochs: 1, tpuV4CoreHours: 7007, jftValidationLoss: 2.605, occlusion: null },
  { model: 'F3+', epochs: 2, tpuV4CoreHours: 14100, jftValidationLoss: 2.523, occlusion: null },
  { model: 'F3+', epochs: 4, tpuV4CoreHours: 28190, jftValidationLoss: 2.46, occlusion: null },
  { model: 'F3+', epochs: 8, tpuV4CoreHours: 56210, jftValidationLoss: 2.416, occlusion: 'partly_occluded' },
  { model: 'F7', epochs: 0.25, tpuV4CoreHours: 2402, jftValidationLoss: 2.83, occlusion: null },
  { model: 'F7', epochs: 0.5, tpuV4CoreHours: 4799, jftValidationLoss: 2.709, occlusion: 'partly_occluded' },
  { model: 'F7', epochs: 1, tpuV4CoreHours: 9603, jftValidationLoss: 2.609, occlusion: null },
  { model: 'F7', epochs: 2, tpuV4CoreHours: 19220, jftValidationLoss: 2.52, occlusion: null },
  { model: 'F7', epochs: 4, tpuV4CoreHours: 38270, jftValidationLoss: 2.448, occlusion: null },
  { model: 'F7', epochs: 8, tpuV4CoreHours: 76450, jftValidationLoss: 2.397, occlusion: null },
  { model: 'F7+', epochs: 0.25, tpuV4CoreHours: 3300, jftValidationLoss: 2.776, occlusion: null },
  { model: 'F7+', epochs: 0.5, tpuV4CoreHours: 6699, jftValidationLoss: 2.658, occlusion: null },
  { model: 'F7+', epochs: 1, tpuV4CoreHours: 13410, jftValidationLoss: 2.588, occlusion: null },
  { model: 'F7+', epochs: 2, tpuV4CoreHours: 26730, jftValidationLoss: 2.484, occlusion: null },
  { model: 'F7+', epochs: 4, tpuV4CoreHours: 53510, jftValidationLoss: 2.434, occlusion: null },
  { model: 'F7+', epochs: 8, tpuV4CoreHours: 106800, jftValidationLoss: 2.339, occlusion: null },
];

export interface Figure1Point {
  readonly model: string;
  /** Nominal pre-training epochs; null for the ViT baselines, inferred (8) for "F7+ with RA". */
  readonly epochs: number | null;
  readonly tpuV4CoreHours: number;
  /** ImageNet top-1 error (%) after fine-tuning at 384 px. */
  readonly imagenetTop1ErrorPercent: number;
  readonly flag: 'partly_occluded' | 'epochs_inferred' | 'baseline' | null;
}

/** Figure 1: ImageNet top-1 error after fine-tuning, one point per NFNet pre-training run (25 points). */
export const FIGURE1_NFNET_IMAGENET_ERROR: readonly (Figure1Point & {
  model: PaperTrainedVariant;
  epochs: number;
})[] = [
  { model: 'F1', epochs: 0.25, tpuV4CoreHours: 700.2, imagenetTop1ErrorPercent: 13.9, flag: null },
  { model: 'F1', epochs: 0.5, tpuV4CoreHours: 1301, imagenetTop1ErrorPercent: 13.07, flag: null },
  { model: 'F1', epochs: 1, tpuV4CoreHours: 2703, imagenetTop1ErrorPercent: 12.38, flag: 'partly_occluded' },
  { model: 'F1', epochs: 2, tpuV4CoreHours: 5401, imagenetTop1ErrorPercent: 12.27, flag: null },
  { model: 'F1', epochs: 4, tpuV4CoreHours: 10700, imagenetTop1ErrorPercent: 11.68, flag: null },
  { model: 'F1', epochs: 8, tpuV4CoreHours: 21390, imagenetTop1ErrorPercent: 11.37, flag: null },
  { model: 'F3', epochs: 0.5, tpuV4CoreHours: 2402, imagenetTop1ErrorPercent: 12.5, flag: null },
  { model: 'F3', epochs: 1, tpuV4CoreHours: 4903, imagenetTop1ErrorPercent: 11.74, flag: 'partly_occluded' },
  { model: 'F3', epochs: 2, tpuV4CoreHours: 9811, imagenetTop1ErrorPercent: 11.2, flag: 'partly_occluded' },
  { model: 'F3', epochs: 4, tpuV4CoreHours: 19620, imagenetTop1ErrorPercent: 10.78, flag: 'partly_occluded' },
  { model: 'F3', epochs: 8, tpuV4CoreHours: 39080, imagenetTop1ErrorPercent: 10.68, flag: null },
  { model: 'F3+', epochs: 0.5, tpuV4CoreHours: 3501, imagenetTop1ErrorPercent: 12.06, flag: null },
  { model: 'F3+', epochs: 1, tpuV4CoreHours: 7002, imagenetTop1ErrorPercent: 11.43, flag: null },
  {
    model: 'F3+',
    epochs: 2,
    tpuV4CoreHours: 14100,
    imagenetTop1ErrorPercent: 11.02,
    flag: 'partly_occluded',
  },
  {
    model: 'F3+',
    epochs: 4,
    tpuV4CoreHours: 28200,
    imagenetTop1ErrorPercent: 10.55,
    flag: 'partly_occluded',
  },
  { model: 'F3+', epochs: 8, tpuV4CoreHours: 56280, imagenetTop1ErrorPercent: 10.32, flag: null },
  { model: 'F7', epochs: 0.5, tpuV4CoreHours: 4803, imagenetTop1ErrorPercent: 11.89, flag: null },
  { model: 'F7', epochs: 1, tpuV4CoreHours: 9599, imagenetTop1ErrorPercent: 11.39, flag: null },
  { model: 'F7', epochs: 2, tpuV4CoreHours: 19200, imagenetTop1ErrorPercent: 10.66, flag: null },
  { model: 'F7', epochs: 4, tpuV4CoreHours: 38290, imagenetTop1ErrorPercent: 10.3, flag: 'partly_occluded' },
  { model: 'F7', epochs: 8, tpuV4CoreHours: 76600, imagenetTop1ErrorPercent: 10.18, flag: null },
  { model: 'F7+', epochs: 1, tpuV4CoreHours: 13410, imagenetTop1ErrorPercent: 10.97, flag: null },
  { model: 'F7+', epochs: 2, tpuV4CoreHours: 26690, imagenetTop1ErrorPercent: 10.53, flag: null },
  { model: 'F7+', epochs: 4, tpuV4CoreHours: 53500, imagenetTop1ErrorPercent: 10.1, flag: null },
  {
    model: 'F7+',
    epochs: 8,
    tpuV4CoreHours: 107100,
    imagenetTop1ErrorPercent: 9.746,
    flag: 'partly_occluded',
  },
];

/**
 * Figure 1's reference points: F7+ with repeated augmentation and three ViT baselines (pre-trained on JFT-3B).
 * Shown for comparison; never fitted.
 */
export const FIGURE1_REFERENCE_POINTS: readonly Figure1Point[] = [
  {
    model: 'F7+ with RA',
    epochs: 8,
    tpuV4CoreHours: 107000,
    imagenetTop1ErrorPercent: 9.61,
    flag: 'epochs_inferred',
  },
  {
    model: 'ViT-g/14',
    epochs: null,
    tpuV4CoreHours: 116000,
    imagenetTop1ErrorPercent: 9.8,
    flag: 'baseline',
  },
  {
    model: 'ViT-G/14',
    epochs: null,
    tpuV4CoreHours: 276100,
    imagenetTop1ErrorPercent: 9.55,
    flag: 'baseline',
  },
  {
    model: 'SoViT-400m/14',
    epochs: null,
    tpuV4CoreHours: 132000,
    imagenetTop1ErrorPercent: 9.699,
    flag: 'baseline',
  },
];

export interface Figure3Point {
  readonly model: 'F0' | 'F3' | 'F7+';
  readonly epochs: number;
  /** Best base learning rate of the sweep (a factor-2 grid: 0.4, 0.8, 1.6), as digitized. */
  readonly optimalLearningRate: number;
}

/** Figure 3: optimal learning rate against epoch budget for F0, F3 and F7+ (18 points). */
export const FIGURE3_OPTIMAL_LEARNING_RATE: readonly Figure3Point[] = [
  { model: 'F0', epochs: 0.25, optimalLearningRate: 1.6 },
  { model: 'F0', epochs: 0.5, optimalLearningRate: 1.6 },
  { model: 'F0', epochs: 1, optimalLearningRate: 1.6 },
  { model: 'F0', epochs: 2, optimalLearningRate: 1.6 },
  { model: 'F0', epochs: 4, optimalLearningRate: 1.6 },
  { model: 'F0', epochs: 8, optimalLearningRate: 0.8005 },
  { model: 'F3', epochs: 0.25, optimalLearningRate: 1.6 },
  { model: 'F3', epochs: 0.5, optimalLearningRate: 1.6 },
  { model: 'F3', epochs: 1, optimalLearningRate: 1.6 },
  { model: 'F3', epochs: 2, optimalLearningRate: 0.8002 },
  { model: 'F3', epochs: 4, optimalLearningRate: 0.7996 },
  { model: 'F3', epochs: 8, optimalLearningRate: 0.4001 },
  { model: 'F7+', epochs: 0.25, optimalLearningRate: 1.6 },
  { model: 'F7+', epochs: 0.5, optimalLearningRate: 1.6 },
  { model: 'F7+', epochs: 1, optimalLearningRate: 1.6 },
  { model: 'F7+', epochs: 2, optimalLearningRate: 0.8002 },
  { model: 'F7+', epochs: 4, optimalLearningRate: 0.4002 },
  { model: 'F7+', epochs: 8, optimalLearningRate: 0.4001 },
];
