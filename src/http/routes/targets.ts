/**
 * POST /v1/targets: the budget for a target loss or top-1. Runs on the worker threads, as an operation when heavy.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accessProblemResponses, KEY_OPTIONAL } from '../../api/access.js';
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
        security: KEY_OPTIONAL,
        response: {
          200: jsonResponse(TargetResponseSchema),
          ...ACCEPTED_RESPONSE,
          ...problemResponses(400, 413, 415, 422, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { profile: reference, ...body } = request.body;
      const profile =
        reference === undefined ? undefined : await app.profileLaws.forRequest(request, reference);
      const task = profile
        ? {
            kind: 'target' as const,
            body,
            profile: { used: profile.used, law: profile.law, datasetImages: profile.datasetImages },
          }
        : { kind: 'target' as const, body };
      return app.operations.answer(request, reply, task, TARGET_WORK, {
        ...(profile && { teamId: (await app.authenticate(request, 'read')).teamId }),
      });
    },
  );
};
