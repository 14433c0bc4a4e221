/** GET /v1/plans/recorded/{id}: a plan the team recorded (POST /v1/plans with record: true). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { accessProblemResponses, KEY_REQUIRED } from '../../api/access.js';
import type { PlanSchema } from '../../api/plans/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import {
  RECORDED_PLAN_EXAMPLE,
  RecordedPlanParamsSchema,
  RecordedPlanSchema,
} from '../../api/recordedPlans.js';
import { notFound } from '../httpProblem.js';

export const recordedPlanRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/plans/recorded/:id',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getRecordedPlan',
        summary: 'A recorded plan, with the request that produced it',
        description:
          'A plan stored by POST /v1/plans with record: true, exactly as it was answered, with its request and the profile version it used. Only the team that recorded it can read it; any other id is a 404.',
        tags: ['plans'],
        security: KEY_REQUIRED,
        params: RecordedPlanParamsSchema,
        response: {
          200: RecordedPlanSchema.meta({ examples: [RECORDED_PLAN_EXAMPLE] }),
          ...problemResponses(400, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const principal = await app.authenticate(request, 'read');
      const plan = await (await app.store()).getPlan(principal.teamId, request.params.id);
      if (plan === undefined) throw notFound(`Your team recorded no plan ${request.params.id}.`);
      return {
        id: plan.id,
        createdAt: plan.createdAt,
        ...(plan.profileName !== null && plan.profileVersion !== null
          ? { profile: { name: plan.profileName, version: plan.profileVersion } }
          : {}),
        request: JSON.parse(plan.request) as Record<string, unknown>,
        plan: JSON.parse(plan.response) as z.infer<typeof PlanSchema>,
      };
    },
  );
};
