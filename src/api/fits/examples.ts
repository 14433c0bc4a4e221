/** Real responses (rounded to 5 digits): POST /v1/targets for loss 2.5; POST /v1/fits on F0 and F1 of Figure 2. */
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

export const FITS_REQUEST_EXAMPLE = {
  runs: [
    {
      model: 'F0',
      epochs: 0.5,
      costTpuV4CoreHours: 800.3,
      loss: 2.89,
    },
    {
      model: 'F0',
      epochs: 1,
      costTpuV4CoreHours: 1600,
      loss: 2.83,
    },
    {
      model: 'F0',
      epochs: 2,
      costTpuV4CoreHours: 3199,
      loss: 2.748,
    },
    {
      model: 'F0',
      epochs: 8,
      costTpuV4CoreHours: 12980,
      loss: 2.663,
    },
    {
      model: 'F1',
      epochs: 0.5,
      costTpuV4CoreHours: 1300,
      loss: 2.817,
    },
    {
      model: 'F1',
      epochs: 1,
      costTpuV4CoreHours: 2700,
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: a loss read off Figure 2, not Euler's number
      loss: 2.718,
    },
    {
      model: 'F1',
      epochs: 2,
      costTpuV4CoreHours: 5403,
      loss: 2.649,
    },
    {
      model: 'F1',
      epochs: 8,
      costTpuV4CoreHours: 21370,
      loss: 2.555,
    },
    {
      model: 'F3',
      epochs: 0.5,
      costTpuV4CoreHours: 2402,
      loss: 2.753,
    },
    {
      model: 'F3',
      epochs: 1,
      costTpuV4CoreHours: 4902,
      loss: 2.658,
    },
    {
      model: 'F3',
      epochs: 2,
      costTpuV4CoreHours: 9805,
      loss: 2.574,
    },
    {
      model: 'F3',
      epochs: 8,
      costTpuV4CoreHours: 39050,
      loss: 2.469,
    },
  ],
  bootstrap: {
    samples: 200,
    seed: 7,
  },
} as const;

export const FITS_EXAMPLE = {
  formula: 'L(F, D) = E + A / F^alpha + B / D^beta',
  units: {
    flopsPerImage: 'forward FLOPs per image',
    imagesSeen: 'images seen in training (epochs x 4000000000 images)',
    value: 'validation loss as the runs report it',
  },
  datasetImages: 4000000000,
  coefficients: {
    E: 2.2592,
    A: 18231000,
    B: 4479.7,
    alpha: 0.75847,
    beta: 0.43825,
  },
  quality: {
    n: 12,
    rmseRelative: 0.0041097,
    r2Log: 0.99141,
    maxRelativeError: 0.012069,
  },
  method: {
    huberDelta: 0.001,
    startsTried: 8,
    objective: 2.4956e-5,
  },
  allocation: {
    exponents: {
      flopsPerImage: 0.3818,
      costPerEpoch: 0.33923,
      epochs: 0.66077,
    },
    costLaw: {
      coefficient: 1.1629e-6,
      exponent: 0.8885,
      source: 'runs',
      modelSizes: 3,
      r2Log: 0.9991,
      description:
        "fitted to the runs' costTpuV4CoreHours over 3 model sizes (cost per JFT-4B epoch ~ F^0.888)",
    },
    source:
      "closed-form optimum of the fitted surface under fitted to the runs' costTpuV4CoreHours over 3 model sizes (cost per JFT-4B epoch ~ F^0.888)",
  },
  law: {
    id: 'runs_loss_surface',
    coefficients: {
      E: 2.2592,
      A: 18231000,
      B: 4479.7,
      alpha: 0.75847,
      beta: 0.43825,
    },
  },
  warnings: [],
  provenance:
    "fitted to 12 caller-supplied runs; Huber (delta 1e-3) fit of log loss, Hoffmann et al. 2022 approach 3, as the paper's Figure 2 law",
  bootstrap: {
    samples: 200,
    seed: 7,
    level: 0.95,
    method:
      'percentile bootstrap: 200 resamples of the 12 runs with replacement (mulberry32, seed 7), each refitted by bounded L-BFGS warm-started at the full-data optimum; 2.5th and 97.5th percentiles (linear interpolation between order statistics); cost law held at its full-data fit',
    coefficients: {
      E: {
        lower: 0.56594,
        upper: 2.3443,
      },
      A: {
        lower: 12.573,
        upper: 9624100000000,
      },
      B: {
        lower: 6.3643,
        upper: 106810,
      },
      alpha: {
        lower: 0.091598,
        upper: 1.3228,
      },
      beta: {
        lower: 0.064689,
        upper: 0.58916,
      },
    },
    allocationExponents: {
      flopsPerImage: {
        lower: 0.062555,
        upper: 0.86891,
      },
      costPerEpoch: {
        lower: 0.05558,
        upper: 0.77202,
      },
      epochs: {
        lower: 0.22798,
        upper: 0.94442,
      },
    },
    samplesWithoutAllocation: 0,
  },
} as const;
