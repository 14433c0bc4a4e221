/**
 * POST /v1/plans and POST /v1/plans/batch: the planner over HTTP. A plan is planned on the event loop (microseconds);
 * a batch of more than a few items on the worker threads, as an operation when large.
 */
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { accessProblemResponses, IDEMPOTENCY_KEY_NOTE, KEY_OPTIONAL } from '../../api/access.js';
import { ACCEPTED_RESPONSE } from '../../api/operations/schemas.js';
import {
  BatchEnvelopeSchema,
  BatchRequestSchema,
  BatchResponseSchema,
  PlanRequestSchema,
  PlanSchema,
} from '../../api/plans/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { plan } from '../../core/planner/plan.js';
import { planForProfileOrRecord } from '../profilePlans.js';
import { batchWork } from '../work.js';

/**
 * Batches this small are planned on the event loop (under a millisecond), where a worker round trip would cost more
 * than the work; larger ones go to the worker threads.
 */
const INLINE_BATCH_ITEMS = 20;
/** A plan's JSON is about 5.3 kB (bench/http.ts); what a stored batch result is reserved. */
const PLAN_JSON_BYTES = 5_500;

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
        body: PlanRequestSchema,
        security: KEY_OPTIONAL,
        response: {
          200: jsonResponse(PlanSchema),
          201: jsonResponse(
            PlanSchema,
            `Recorded (record: true): the plan with its id; Location names it. ${IDEMPOTENCY_KEY_NOTE}`,
          ),
          ...problemResponses(400, 413, 415, 422, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404, 409),
        },
      },
    },
    async (request, reply) =>
      request.body.profile === undefined && request.body.record === undefined
        ? plan(app.planner, request.body)
        : planForProfileOrRecord(app, request, reply),
  );

  app.post(
    '/plans/batch',
    {
      config: { work: (request) => batchWork((request.body as { items: unknown[] }).items.length) },
      // The document types each item as a plan request; the route checks only the envelope, and each item on its own.
      validatorCompiler: (route) =>
        validatorCompiler({
          ...route,
          schema: route.httpPart === 'body' ? BatchEnvelopeSchema : route.schema,
        } as Parameters<typeof validatorCompiler>[0]),
      schema: {
        operationId: 'createPlans',
        summary: 'Plan up to 1,000 budgets at once',
        description:
          'Each item is a POST /v1/plans body, validated and planned on its own; results come back in order, each a plan or a problem object. The batch itself fails (400) only when it is not a list of 1 to 1,000 objects.',
        tags: ['plans'],
        body: BatchRequestSchema,
        security: KEY_OPTIONAL,
        response: {
          200: jsonResponse(BatchResponseSchema),
          ...ACCEPTED_RESPONSE,
          ...problemResponses(400, 413, 415, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { items, profile: reference } = request.body;
      const profile =
        reference === undefined ? undefined : await app.profileLaws.forRequest(request, reference);
      return app.operations.answer(
        request,
        reply,
        {
          kind: 'batch',
          items,
          requestId: request.id,
          ...(profile && {
            profile: { used: profile.used, law: profile.law, datasetImages: profile.datasetImages },
          }),
        },
        batchWork(items.length),
        {
          inline: items.length <= INLINE_BATCH_ITEMS,
          resultBytes: items.length * PLAN_JSON_BYTES,
          ...(profile && { teamId: (await app.authenticate(request, 'read')).teamId }),
        },
      );
    },
  );
};
