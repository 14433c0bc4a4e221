/**
 * POST /v1/targets (the budget for a target) and POST /v1/fits (the surface fitted to a caller's runs). Stateless:
 * nothing is stored; a fitted law comes back to the client, which may send it to POST /v1/plans.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fitRuns } from '../../core/fits/fitRuns.js';
import { budgetForTarget } from '../../core/targets/budgetForTarget.js';
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
import { COMMON_PROBLEMS, problemResponses } from '../schemas/problem.js';

export const beyondRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/targets',
    {
      schema: {
        operationId: 'budgetForTarget',
        summary: 'The smallest budget whose plan reaches a target loss or top-1',
        description:
          'Two answers side by side: by a continuous law (the frontier for a loss, the fine-tuning law for top-1) and by searching the budget through the planner, with the plan at that budget. A target beyond what the laws can reach (at or below the fitted irreducible loss, or top-1 at or above its limit) is a 422 whose context gives the reachable limit.',
        tags: ['targets'],
        body: TargetRequestSchema.meta({ examples: [TARGET_REQUEST_EXAMPLE] }),
        response: {
          200: TargetResponseSchema.meta({ examples: [TARGET_EXAMPLE] }),
          ...problemResponses(400, 413, 415, 422, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request) => budgetForTarget(app.planner, request.body),
  );

  app.post(
    '/fits',
    {
      schema: {
        operationId: 'fitRuns',
        summary: 'Fit the loss surface to your own runs, with bootstrap intervals',
        description:
          "Fits L(F, D) = E + A / F^alpha + B / D^beta to your runs exactly as the paper's law is fitted, returns coefficients, fit quality, the implied allocation exponents and, with bootstrap, seeded 95% percentile intervals. At least 5 runs (fewer is a 422). The returned `law` can be sent as `law` to POST /v1/plans.",
        tags: ['fits'],
        body: FitsRequestSchema.meta({ examples: [FITS_REQUEST_EXAMPLE] }),
        response: {
          200: FitsResponseSchema.meta({ examples: [FITS_EXAMPLE] }),
          ...problemResponses(400, 413, 415, 422, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request) => fitRuns(request.body, app.planner.laws.costModel),
  );
};
