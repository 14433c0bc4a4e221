/** A real response of POST /v1/plans (50k core hours, equal_rate), rounded to 5 digits, shown in the API document. */
export const PLAN_EXAMPLE = {
  budget: {
    tpuV4CoreHours: 50000,
    requested: {
      amount: 50000,
      unit: 'tpu_v4_core_hours',
    },
    basis: 'TPU-v4 core hours, used as given.',
  },
  objective: 'jft_loss',
  strategy: 'equal_rate',
  ideal: {
    epochs: 3.1623,
    costPerEpochTpuV4CoreHours: 15811,
    flopsPerImage: 261290000000,
    source:
      'stated rule: epochs = (C / 5000)^0.5 over JFT-4B (Smith et al. 2023, arXiv 2310.16764, text: scaling rules (allocation, after Hoffmann et al. 2022); anchor: Smith et al. 2023, arXiv 2310.16764, text: scaling rules (epochs > 1)); FLOPs per image from the cost law',
  },
  recommendation: {
    model: {
      name: 'F7+',
      params: 951698080,
      flopsPerImage: 222600323072,
      costPerEpochTpuV4CoreHours: 13350,
      trainedInPaper: true,
    },
    epochs: 3.7453,
    imagesSeen: 14981000000,
    steps: 3657566,
    batchSize: 4096,
    learningRate: {
      value: 0.4,
      trials: [0.4, 0.2],
      schedule: 'cosine decay to zero over the run (as in the paper)',
    },
    predicted: {
      jftValidationLoss: 2.429,
      imagenetTop1Percent: 89.861,
    },
    costTpuV4CoreHours: 50000,
    finetuneCostTpuV4CoreHours: 1600,
    wallClockHours: 97.656,
  },
  alternatives: [
    {
      model: {
        name: 'F6+',
        params: 849747412,
        flopsPerImage: 195470483456,
        costPerEpochTpuV4CoreHours: 12265,
        trainedInPaper: false,
      },
      epochs: 4.0766,
      imagesSeen: 16306000000,
      steps: 3981074,
      batchSize: 4096,
      learningRate: {
        value: 0.4,
        trials: [0.4, 0.2],
        schedule: 'cosine decay to zero over the run (as in the paper)',
      },
      predicted: {
        jftValidationLoss: 2.4292,
        imagenetTop1Percent: 89.825,
      },
      costTpuV4CoreHours: 50000,
      finetuneCostTpuV4CoreHours: 1404.8,
      wallClockHours: 97.656,
      reason: 'smaller_neighbour',
      strategy: 'equal_rate',
      objective: 'jft_loss',
    },
  ],
  warnings: [
    {
      code: 'ideal_model_larger_than_f7_plus',
      message:
        'The ideal model (261 GFLOPs per image) is larger than NFNet-F7+, the largest variant; the plan trains a smaller model for longer.',
    },
  ],
  provenance: {
    paper:
      'Smith, Brock, Berrada & De (2023), "ConvNets Match Vision Transformers at Scale", arXiv 2310.16764',
    budget: 'TPU-v4 core hours, used as given.',
    ideal:
      'stated rule: epochs = (C / 5000)^0.5 over JFT-4B (Smith et al. 2023, arXiv 2310.16764, text: scaling rules (allocation, after Hoffmann et al. 2022); anchor: Smith et al. 2023, arXiv 2310.16764, text: scaling rules (epochs > 1)); FLOPs per image from the cost law',
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
