/** The example request of POST /v1/targets (its answer: src/api/examples.ts). */
export const TARGET_REQUEST_EXAMPLE = { target: { jftValidationLoss: 2.5 }, strategy: 'equal_rate' } as const;
