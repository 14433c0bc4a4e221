/** The example request of GET /v1/convert (its answer: src/api/examples.ts). */
export const CONVERT_QUERY_EXAMPLE = { amount: 1000, unit: 'tpu_v4_chip_hours' } as const;
