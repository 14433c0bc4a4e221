/** A real response (rounded to 5 digits) of POST /v1/targets for loss 2.5. */
export const TARGET_REQUEST_EXAMPLE = { target: { jftValidationLoss: 2.5 }, strategy: 'equal_rate' } as const;

export const TARGET_EXAMPLE = {
  target: {
    kind: 'jft_validation_loss',
    jftValidationLoss: 2.5,
  },
  objective: 'jft_loss',
  byLaw: {
    method: 'frontier_power_law',
    tpuV4CoreHours: 20882,
    withinAcceptedBudgets: true,
    withinFittedRange: true,
    source:
      'C = (L / a)^(-1/b) with a = 3.832, b = 0.04295: the frontier L* = a C^-b fitted to the lower envelope of Figure 2',
  },
  byPlanner: {
    tpuV4CoreHours: 22009,
    crossing: 'continuous',
    plansEvaluated: 177,
    plan: {
      budget: {
        tpuV4CoreHours: 22009,
        requested: {
          amount: 22009,
          unit: 'tpu_v4_core_hours',
        },
        basis: 'TPU-v4 core hours, used as given.',
      },
      objective: 'jft_loss',
      strategy: 'equal_rate',
      ideal: {
        epochs: 2.098,
        costPerEpochTpuV4CoreHours: 10490,
        flopsPerImage: 163500000000,
        source:
          'stated rule: epochs = (C / 5000)^0.5 over JFT-4B (Smith et al. 2023, arXiv 2310.16764, text: scaling rules (allocation, after Hoffmann et al. 2022); anchor: Smith et al. 2023, arXiv 2310.16764, text: scaling rules (epochs > 1)); FLOPs per image from the cost law',
      },
      recommendation: {
        model: {
          name: 'F5+',
          params: 747796744,
          flopsPerImage: 168340643840,
          costPerEpochTpuV4CoreHours: 10762,
          trainedInPaper: false,
        },
        epochs: 2.0451,
        imagesSeen: 8180400000,
        steps: 1997177,
        batchSize: 4096,
        learningRate: {
          value: 0.8,
          trials: [0.8, 0.4],
          schedule: 'cosine decay to zero over the run (as in the paper)',
        },
        predicted: {
          jftValidationLoss: 2.5,
          imagenetTop1Percent: 89.353,
        },
        costTpuV4CoreHours: 22009,
        finetuneCostTpuV4CoreHours: 1209.6,
      },
      alternatives: [],
      warnings: [
        {
          code: 'interpolated_variant',
          message:
            'F5+ was not trained in the paper: its cost per epoch is interpolated from the six trained variants and its predictions rest on the fitted laws alone.',
        },
      ],
      provenance: {
        paper:
          'Smith, Brock, Berrada & De (2023), "ConvNets Match Vision Transformers at Scale", arXiv 2310.16764',
        budget: 'TPU-v4 core hours, used as given.',
        ideal:
          'stated rule: epochs = (C / 5000)^0.5 over JFT-4B (Smith et al. 2023, arXiv 2310.16764, text: scaling rules (allocation, after Hoffmann et al. 2022); anchor: Smith et al. 2023, arXiv 2310.16764, text: scaling rules (epochs > 1)); FLOPs per image from the cost law',
        costPerEpoch:
          'interpolated: cost per epoch = 0.000001612 x FLOPs^0.8751, fitted in log space on the six trained variants (Figure 2)',
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
    },
  },
  source:
    "byLaw: C = (L / a)^(-1/b) with a = 3.832, b = 0.04295: the frontier L* = a C^-b fitted to the lower envelope of Figure 2. byPlanner: the smallest budget, found by a 32-per-decade log scan of 1 to 1000000000 TPU-v4 core hours and bisection, whose plan's predicted JFT-4B loss is at or below the target",
} as const;
