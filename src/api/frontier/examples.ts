/** A real response of GET /v1/frontier?points=2 (rounded to 5 digits, measured points cut to one). */
export const FRONTIER_EXAMPLE = {
  objective: 'jft_loss',
  series: [
    {
      tpuV4CoreHours: 400,
      frontierJftValidationLoss: 2.9629,
      equalRate: {
        ideal: {
          epochs: 0.28284,
          costPerEpochTpuV4CoreHours: 1414.2,
          flopsPerImage: 16560000000,
        },
        recommendation: {
          model: 'F0',
          epochs: 0.24868,
          costPerEpochTpuV4CoreHours: 1608.5,
          predicted: {
            jftValidationLoss: 3.0408,
            imagenetTop1Percent: 85.292,
          },
        },
      },
      fitted: {
        ideal: {
          epochs: 0.21241,
          costPerEpochTpuV4CoreHours: 1883.1,
          flopsPerImage: 22971000000,
        },
        recommendation: {
          model: 'F0',
          epochs: 0.24868,
          costPerEpochTpuV4CoreHours: 1608.5,
          predicted: {
            jftValidationLoss: 3.0408,
            imagenetTop1Percent: 85.292,
          },
        },
      },
    },
    {
      tpuV4CoreHours: 110000,
      frontierJftValidationLoss: 2.3278,
      equalRate: {
        ideal: {
          epochs: 4.6904,
          costPerEpochTpuV4CoreHours: 23452,
          flopsPerImage: 409980000000,
        },
        recommendation: {
          model: 'F7+',
          epochs: 8.2398,
          costPerEpochTpuV4CoreHours: 13350,
          predicted: {
            jftValidationLoss: 2.3709,
            imagenetTop1Percent: 90.21,
          },
        },
      },
      fitted: {
        ideal: {
          epochs: 8.6987,
          costPerEpochTpuV4CoreHours: 12646,
          flopsPerImage: 202410000000,
        },
        recommendation: {
          model: 'F7+',
          epochs: 8.2398,
          costPerEpochTpuV4CoreHours: 13350,
          predicted: {
            jftValidationLoss: 2.3709,
            imagenetTop1Percent: 90.21,
          },
        },
      },
    },
  ],
  measured: {
    figure: 'Figure 2',
    metric: 'JFT-4B held-out validation loss',
    provenance: 'digitized',
    points: [
      {
        model: 'F0',
        epochs: 0.25,
        tpuV4CoreHours: 400.6,
        value: 2.985,
      },
    ],
  },
} as const;
