/**
 * POST /v1/fits: the loss surface fitted to a caller's runs. Runs on the worker threads, as an operation when heavy;
 * the fitted law comes back to the client, which may send it to POST /v1/plans.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { FitsRequestSchema, FitsResponseSchema } from '../../api/fits/schemas.js';
import { ACCEPTED_RESPONSE } from '../../api/operations/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { DEFAULT_BOOTSTRAP_SAMPLES, MAX_BOOTSTRAP_RUN_SAMPLES } from '../../core/fits/fitRuns.js';
import { type FitShape, fitWork } from '../work.js';

export const fitRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/fits',
    {
      config: { work: (request) => fitWork(request.body as FitShape) },
      schema: {
        operationId: 'fitRuns',
        summary: 'Fit the loss surface to your own runs, with bootstrap intervals',
        description:
          "Fits L(F, D) = E + A / F^alpha + B / D^beta to your runs exactly as the paper's law is fitted, returns coefficients, fit quality, the implied allocation exponents, the rollout check and, with bootstrap, seeded 95% percentile intervals. At least 5 runs (fewer is a 422). The returned `law` can be sent as `law` to POST /v1/plans; with runs on 4 to 32 model sizes it carries its ensemble (the fits without each size), so those plans have intervals and pick shares as the paper's laws give.",
        tags: ['fits'],
        body: FitsRequestSchema,
        response: {
          200: jsonResponse(FitsResponseSchema),
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
