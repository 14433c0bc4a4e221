/** The example request of POST /v1/fits: the runs of F0 and F1 in Figure 2 (its answer: src/api/examples.ts). */
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
