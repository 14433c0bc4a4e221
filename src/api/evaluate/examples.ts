/** The example request of GET /v1/evaluate: F3+ for two JFT-4B epochs (its answer: src/api/examples.ts). */
export const EVALUATE_QUERY_EXAMPLE = { model: 'F3+', epochs: 2 } as const;
