/** A real response of GET /v1/models (rounded to 5 digits), shown as the example in the API document. */
export const MODELS_EXAMPLE = {
  resolution: 224,
  classes: 30000,
  models: [
    {
      name: 'F0',
      depths: [1, 2, 6, 3],
      widths: [256, 512, 1536, 1536],
      params: 160606284,
      macs: 9576574976,
      flops: 19153149952,
      costPerEpochTpuV4CoreHours: 1608.5,
      costFamily: 'deep',
      trainedInPaper: true,
      imagesPerSecondPerCore: 690.79,
      achievedTflopsPerCore: 39.692,
      utilization: 0.28867,
    },
  ],
  provenance:
    'Counts: layer by layer from the NFNet definition (Brock et al. 2021); costs: Figure 2 of Smith et al. 2023, digitized, or interpolated',
} as const;
