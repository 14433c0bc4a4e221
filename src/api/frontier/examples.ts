/** The example request of GET /v1/frontier: two budgets, the paper's smallest and largest (its answer: src/api/examples.ts). */
export const FRONTIER_QUERY_EXAMPLE = { points: 2 } as const;
