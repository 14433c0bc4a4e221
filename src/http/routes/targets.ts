/**
 * POST /v1/targets: the budget for a target loss or top-1. Runs on the worker threads, as an operation when heavy.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ACCEPTED_RESPONSE } from '../../api/operations/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { TargetRequestSchema, TargetResponseSchema } from '../../api/targets/schemas.js';
import { TARGET_WORK } from '../work.js';

export const targetRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/targets',
    {
      config: { work: () => TARGET_WORK },
      schema: {
        operationId: 'budgetForTarget',
        summary: 'The smallest budget whose plan reaches a target loss or top-1',
        description:
          'Two answers side by side: by a continuous law (the frontier for a loss, the fine-tuning law for top-1) and by searching the budget through the planner, with the plan at that budget. A target beyond what the laws can reach (at or below the fitted irreducible loss, or top-1 at or above its limit) is a 422 whose context gives the reachable limit.',
        tags: ['targets'],
        body: TargetRequestSchema,
        response: {
          200: jsonResponse(TargetResponseSchema),
          ...ACCEPTED_RESPONSE,
          ...problemResponses(400, 413, 415, 422, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request, reply) =>
      app.operations.answer(request, reply, { kind: 'target', body: request.body }, TARGET_WORK),
  );
};
