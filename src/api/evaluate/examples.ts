/** A real response of GET /v1/evaluate (rounded to 5 digits), shown as the example in the API document. */
export const EVALUATION_EXAMPLE = {
  model: {
    name: 'F3+',
    params: 543895408,
    flopsPerImage: 114080964608,
    costPerEpochTpuV4CoreHours: 7055.1,
    trainedInPaper: true,
  },
  epochs: 2,
  imagesSeen: 8000000000,
  steps: 1953125,
  batchSize: 4096,
  learningRate: {
    value: 0.8,
    trials: [0.8, 0.4],
    schedule: 'cosine decay to zero over the run (as in the paper)',
  },
  predicted: {
    jftValidationLoss: 2.5288,
    imagenetTop1Percent: 89.068,
  },
  costTpuV4CoreHours: 14110,
  finetuneCostTpuV4CoreHours: 819.17,
  warnings: [],
  provenance: {
    costPerEpoch: "digitized: geometric mean of core hours / epochs over the variant's Figure 2 points",
    jftValidationLoss:
      'fitted law jft_loss_surface: Figure 2, digitized, 36 points; Huber (delta 1e-3) fit of log loss, Hoffmann et al. 2022 approach 3',
    imagenetTop1Percent:
      'fitted law imagenet_top1_error_surface: Figure 1, digitized, 25 NFNet points (RA point and ViT baselines excluded); Huber (delta 1e-3) fit of log error, Hoffmann et al. 2022 approach 3',
    learningRate:
      'fitted law optimal_learning_rate: fitted: k, g, d by least squares on ln lr over 18 optima (Smith et al. 2023 Figure 3, digitized; F from the NFNet layer count at 224 px, 30k classes); lr0 = 1.6 stated (FACTS.shortRunLearningRate); grid factor 2 stated (FACTS.learningRateGridFactor); snapped to the stated factor-2 grid',
    finetuneCost:
      'stated: 1600 core hours for F7+ (Smith et al. 2023, arXiv 2310.16764, text: fine-tuning on ImageNet), scaled by forward FLOPs per image at 384 px',
    lossLawId: 'jft_loss_surface',
  },
} as const;
