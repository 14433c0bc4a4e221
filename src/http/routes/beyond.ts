/**
 * POST /v1/targets (the budget for a target) and POST /v1/fits (the surface fitted to a caller's runs). Both run on the
 * worker threads, as operations when heavy; a fitted law comes back to the client, which may send it to POST /v1/plans.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accessProblemResponses, KEY_OPTIONAL } from '../../api/access.js';
import { DEFAULT_BOOTSTRAP_SAMPLES, MAX_BOOTSTRAP_RUN_SAMPLES } from '../../core/fits/fitRuns.js';
import {
  FITS_EXAMPLE,
  FITS_REQUEST_EXAMPLE,
  TARGET_EXAMPLE,
  TARGET_REQUEST_EXAMPLE,
} from '../examples/beyond.js';
import {
  FitsRequestSchema,
  FitsResponseSchema,
  TargetRequestSchema,
  TargetResponseSchema,
} from '../schemas/beyond.js';
import { OPERATION_EXAMPLE, OperationSchema } from '../schemas/operations.js';
import { COMMON_PROBLEMS, problemResponses } from '../schemas/problem.js';
import { type FitShape, fitWork, TARGET_WORK } from '../work.js';

/** Documented on every route that may answer as an operation. */
export const ACCEPTED_RESPONSE = {
  202: OperationSchema.describe(
    'Accepted as a long-running operation (sent with Prefer: respond-async, or estimated to take over about a second): poll the Operation-Location header.',
  ).meta({ examples: [{ ...OPERATION_EXAMPLE, status: 'NotStarted' }] }),
};

export const beyondRoutes: FastifyPluginAsyncZod = async (app) => {
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
        body: TargetRequestSchema.meta({ examples: [TARGET_REQUEST_EXAMPLE] }),
        security: KEY_OPTIONAL,
        response: {
          200: TargetResponseSchema.meta({ examples: [TARGET_EXAMPLE] }),
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
      return app.operations.answer(request, reply, task, TARGET_WORK);
    },
  );

  app.post(
    '/fits',
    {
      config: { work: (request) => fitWork(request.body as FitShape) },
      schema: {
        operationId: 'fitRuns',
        summary: 'Fit the loss surface to your own runs, with bootstrap intervals',
        description:
          "Fits L(F, D) = E + A / F^alpha + B / D^beta to your runs exactly as the paper's law is fitted, returns coefficients, fit quality, the implied allocation exponents and, with bootstrap, seeded 95% percentile intervals. At least 5 runs (fewer is a 422). The returned `law` can be sent as `law` to POST /v1/plans.",
        tags: ['fits'],
        body: FitsRequestSchema.meta({ examples: [FITS_REQUEST_EXAMPLE] }),
        response: {
          200: FitsResponseSchema.meta({ examples: [FITS_EXAMPLE] }),
          ...ACCEPTED_RESPONSE,
          ...problemResponses(400, 413, 415, 422, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request, reply) => {
      const { runs, bootstrap } = request.body;
      // Past the core's cap the worker answers a 400 at once: nothing to run as an operation.
      const overCap =
        bootstrap !== undefined &&
        runs.length * (bootstrap.samples ?? DEFAULT_BOOTSTRAP_SAMPLES) > MAX_BOOTSTRAP_RUN_SAMPLES;
      const work = overCap ? 0 : fitWork(request.body);
      return app.operations.answer(request, reply, { kind: 'fit', body: request.body }, work);
    },
  );
};
