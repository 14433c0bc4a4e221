/**
 * GET /v1/laws: every fitted law, its fit quality, and the allocation each strategy implies.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LawsResponseSchema } from '../../api/laws/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { lawsReport } from '../../core/laws/report.js';

export const lawRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/laws',
    {
      schema: {
        operationId: 'getLaws',
        summary: 'Every fitted law, its fit quality, and the allocation of each strategy',
        description:
          "Cost law, JFT loss surface (with leave-one-model-out errors), fine-tuning law, compute frontier, learning-rate law; the allocation exponents of the paper's equal-rate rule next to those its own data imply (closed form from the fitted surface, and measured on the frontier).",
        tags: ['laws'],
        response: {
          200: jsonResponse(LawsResponseSchema),
          ...problemResponses(...COMMON_PROBLEMS),
        },
      },
    },
    async () => lawsReport(app.planner.laws, app.planner.uncertainty?.ensemble),
  );
};
