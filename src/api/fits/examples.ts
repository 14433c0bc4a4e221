/** A real response (rounded to 5 digits) of POST /v1/fits on F0 and F1 of Figure 2. */
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
