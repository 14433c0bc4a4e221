/**
 * POST /v1/plans and POST /v1/plans/batch: the planner over HTTP. Handlers only call the core's plan().
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { plan } from '../../core/planner/plan.js';
import { PLAN_EXAMPLE } from '../examples/plan.js';
import { problemFor } from '../plugins/problemDetails.js';
import {
  BatchRequestSchema,
  BatchResponseSchema,
  PLAN_REQUEST_EXAMPLE,
  PlanRequestSchema,
  PlanSchema,
} from '../schemas/plan.js';
import { COMMON_PROBLEMS, type Problem, problemResponses } from '../schemas/problem.js';

type BatchResult = z.infer<typeof BatchResponseSchema>['results'][number];

export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/plans',
    {
      schema: {
        operationId: 'createPlan',
        summary: 'Plan a pre-training run for a compute budget',
        description:
          "Converts the budget to TPU-v4 core hours, allocates it between model size and epochs (the paper's equal-rate rule, or the fitted laws), picks the NFNet variant, and returns its epochs, learning rate and trials, predicted JFT loss and ImageNet top-1, cost, alternatives, warnings and provenance. A constraint no variant can satisfy is a 422.",
        tags: ['plans'],
        body: PlanRequestSchema.meta({ examples: [PLAN_REQUEST_EXAMPLE] }),
        response: {
          200: PlanSchema.meta({ examples: [PLAN_EXAMPLE] }),
          ...problemResponses(400, 413, 415, 422, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request) => plan(app.planner, request.body),
  );

  app.post(
    '/plans/batch',
    {
      schema: {
        operationId: 'createPlans',
        summary: 'Plan up to 1,000 budgets at once',
        description:
          'Each item is a POST /v1/plans body, validated and planned on its own; results come back in order, each a plan or a problem object. The batch itself fails (400) only when it is not a list of 1 to 1,000 objects.',
        tags: ['plans'],
        body: BatchRequestSchema.meta({
          examples: [
            { items: [PLAN_REQUEST_EXAMPLE, { budget: { amount: 2_000, unit: 'tpu_v4_chip_hours' } }] },
          ],
        }),
        response: {
          200: BatchResponseSchema.meta({
            examples: [{ results: [PLAN_EXAMPLE], succeeded: 1, failed: 0 }],
          }),
          ...problemResponses(400, 413, 415, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request) => {
      let failed = 0;
      const results = request.body.items.map((item, index): BatchResult => {
        try {
          const parsed = PlanRequestSchema.safeParse(item);
          if (!parsed.success)
            throw Object.assign(new Error('invalid item'), {
              validationContext: 'body',
              validation: parsed.error.issues.map((issue) => ({
                instancePath: `/${issue.path.join('/')}`,
                message: issue.message,
                keyword: issue.code,
                params: 'keys' in issue ? { keys: issue.keys } : {},
              })),
            });
          return plan(app.planner, parsed.data);
        } catch (error) {
          failed += 1;
          const problem: Problem = {
            ...problemFor(error, request),
            instance: `${request.id}/items/${index}`,
          };
          if (problem.status >= 500) request.log.error({ err: error, item: index }, 'batch item failed');
          return problem;
        }
      });
      return { results, succeeded: results.length - failed, failed };
    },
  );
};
