/** The example requests of POST /v1/plans and POST /v1/plans/batch (their answers: src/api/examples.ts). */
export const PLAN_REQUEST_EXAMPLE = {
  budget: { amount: 50_000, unit: 'tpu_v4_core_hours' },
  objective: 'jft_loss',
  strategy: 'equal_rate',
  constraints: { minEpochs: 0.5 },
  hardware: { cores: 512 },
} as const;

export const BATCH_REQUEST_EXAMPLE = {
  items: [PLAN_REQUEST_EXAMPLE, { budget: { amount: 2_000, unit: 'tpu_v4_chip_hours' } }],
} as const;
