/** A real response of GET /v1/laws (rounded to 5 digits), shown as the example in the API document. */
export const LAWS_EXAMPLE = {
  costModel: {
    id: 'cost_per_epoch',
    form: 'cost per JFT-4B epoch = c x F^g (F: forward FLOPs per image at 224 px, 30k classes)',
    coefficients: {
      c: 0.0000016123,
      g: 0.87513,
    },
    units: {
      cost: 'TPU-v4 core hours per epoch of 4.0e9 images',
      flopsPerImage: 'FLOPs',
    },
    quality: {
      n: 6,
      r2Log: 0.99384,
    },
    familyUtilization: 0.34152,
    familyAchievedTflopsPerCore: 46.959,
    provenance:
      'Figure 2, digitized: geometric mean of core hours / epochs per trained variant; least squares in log space on those six',
  },
  jftLoss: {
    id: 'jft_loss_surface',
    formula: 'L(F, D) = E + A / F^alpha + B / D^beta',
    coefficients: {
      E: 2.0519,
      A: 74750,
      B: 328.42,
      alpha: 0.51628,
      beta: 0.30262,
    },
    units: {
      flopsPerImage: 'forward FLOPs per image at 224 px, 30k classes',
      imagesSeen: 'images (epochs x 4.0e9 JFT-4B images)',
      value: 'JFT-4B held-out validation loss (nats)',
    },
    quality: {
      n: 36,
      rmseRelative: 0.0062228,
      r2Log: 0.9896,
      maxRelativeError: 0.018362,
    },
    provenance:
      'Figure 2, digitized, 36 points; Huber (delta 1e-3) fit of log loss, Hoffmann et al. 2022 approach 3',
    leaveOneModelOut: [
      {
        heldOut: 'F0',
        rmseRelative: 0.011505,
        maxRelativeError: 0.018334,
      },
      {
        heldOut: 'F1',
        rmseRelative: 0.0076703,
        maxRelativeError: 0.014318,
      },
      {
        heldOut: 'F3',
        rmseRelative: 0.0030135,
        maxRelativeError: 0.0037016,
      },
      {
        heldOut: 'F3+',
        rmseRelative: 0.0032947,
        maxRelativeError: 0.0057677,
      },
      {
        heldOut: 'F7',
        rmseRelative: 0.0061101,
        maxRelativeError: 0.0082896,
      },
      {
        heldOut: 'F7+',
        rmseRelative: 0.0075723,
        maxRelativeError: 0.015205,
      },
    ],
  },
  finetune: {
    id: 'imagenet_top1_error_surface',
    formula: 'L(F, D) = E + A / F^alpha + B / D^beta',
    coefficients: {
      E: 7.0969,
      A: 32811,
      B: 3522.9,
      alpha: 0.3819,
      beta: 0.33068,
    },
    units: {
      flopsPerImage: 'pre-training forward FLOPs per image at 224 px, 30k classes',
      imagesSeen: 'pre-training images (epochs x 4.0e9 JFT-4B images)',
      value: 'ImageNet top-1 error after fine-tuning (%)',
    },
    quality: {
      n: 25,
      rmseRelative: 0.0088885,
      r2Log: 0.98917,
      maxRelativeError: 0.01983,
    },
    provenance:
      'Figure 1, digitized, 25 NFNet points (RA point and ViT baselines excluded); Huber (delta 1e-3) fit of log error, Hoffmann et al. 2022 approach 3',
  },
  frontier: {
    id: 'jft_loss_frontier',
    form: 'L* = a x C^(-b), C in TPU-v4 core hours',
    a: 3.8325,
    b: 0.042952,
    quality: {
      r2Log: 0.99469,
      n: 41,
      maxRelativeError: 0.010801,
    },
    grid: {
      minTpuV4CoreHours: 400.6,
      maxTpuV4CoreHours: 106800,
      points: 41,
    },
    provenance:
      'fitted: least squares on (ln C, ln L*) over the lower envelope of 6 measured curves (36 runs, Smith et al. 2023 Figure 2, digitized), each interpolated piecewise linearly in log-log space within its measured range, sampled at 41 budgets evenly spaced in ln C',
  },
  learningRate: {
    id: 'optimal_learning_rate',
    form: 'lr = lr0 x min(1, (E / E0(F))^(-d)), E0(F) = k x F^(-g)',
    coefficients: {
      shortRunLearningRate: 1.6,
      onsetCoefficient: 1453800,
      onsetFlopsExponent: 0.55728,
      epochsExponent: 0.66761,
      onsetEpochsAtReference: 2.7066,
      referenceFlopsPerImage: 19153149952,
    },
    gridFactor: 2,
    quality: {
      n: 18,
      reproducedExactly: 17,
      rmseLog: 0.1604,
    },
    provenance:
      'fitted: k, g, d by least squares on ln lr over 18 optima (Smith et al. 2023 Figure 3, digitized; F from the NFNet layer count at 224 px, 30k classes); lr0 = 1.6 stated (FACTS.shortRunLearningRate); grid factor 2 stated (FACTS.learningRateGridFactor)',
  },
  allocation: {
    equalRate: {
      exponents: {
        flopsPerImage: 0.57134,
        costPerEpoch: 0.5,
        epochs: 0.5,
      },
      anchorTpuV4CoreHours: 5000,
      source:
        'stated: scale model size and training epochs at the same rate, so each takes half of the compute exponent (Smith et al. 2023, arXiv 2310.16764, text: scaling rules (allocation, after Hoffmann et al. 2022)); 1 epoch at 5000 core hours (Smith et al. 2023, arXiv 2310.16764, text: scaling rules (epochs > 1)); FLOPs exponent through the cost law',
    },
    fitted: {
      exponents: {
        flopsPerImage: 0.38742,
        costPerEpoch: 0.33905,
        epochs: 0.66095,
      },
      source: 'closed form: minimise jft_loss_surface subject to cost = C under the cost law',
    },
    fittedImagenetTop1: {
      exponents: {
        flopsPerImage: 0.4926,
        costPerEpoch: 0.43109,
        epochs: 0.56891,
      },
      source: 'closed form: minimise imagenet_top1_error_surface subject to cost = C under the cost law',
    },
    measured: {
      exponents: {
        flopsPerImage: 0.43833,
        costPerEpoch: 0.37366,
        epochs: 0.62634,
      },
      r2Log: {
        flopsPerImage: 0.88424,
        costPerEpoch: 0.89133,
        epochs: 0.95841,
      },
      source:
        'fitted: least squares on log-log over 41 budgets of the Figure 2 lower envelope, taking at each budget the variant on the envelope and its epochs (Hoffmann et al. 2022, approach 1); the paper states 0.5 for both cost per epoch and epochs (FACTS.equalRateScalingExponent)',
    },
  },
  finetuneFinding: {
    statement:
      'At a fixed budget, the configuration with the best predicted ImageNet top-1 is at least as large and trains for no more epochs than the one with the lowest predicted JFT loss (paper: fine-tuning favours slightly larger models and fewer epochs).',
    budgetsChecked: 21,
    budgetsHolding: 21,
    rangeTpuV4CoreHours: [5000, 50000],
  },
} as const;
