/**
 * GET /v1/frontier: the planner's answers over a grid of budgets, for plotting. Handlers only call the core.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withQueryExample } from '../../api/examples.js';
import { FRONTIER_QUERY_EXAMPLE } from '../../api/frontier/examples.js';
import { FrontierQuerySchema, FrontierResponseSchema } from '../../api/frontier/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { frontierSeries } from '../../core/planner/frontierSeries.js';

export const frontierRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/frontier',
    {
      schema: {
        operationId: 'getFrontier',
        summary: 'Recommended configurations and predictions across a range of budgets',
        description:
          "For each budget on a log grid: the fitted frontier, and the ideal and recommended configuration with predictions under both strategies; plus the paper's measured points of the objective's figure.",
        tags: ['charts'],
        querystring: withQueryExample(FrontierQuerySchema, FRONTIER_QUERY_EXAMPLE),
        response: {
          200: jsonResponse(FrontierResponseSchema),
          ...problemResponses(400, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request) => {
      const { from, to, points, objective, intervalLevel } = request.query;
      return frontierSeries(app.planner, {
        ...(from === undefined ? {} : { fromTpuV4CoreHours: from }),
        ...(to === undefined ? {} : { toTpuV4CoreHours: to }),
        ...(points === undefined ? {} : { points }),
        ...(objective === undefined ? {} : { objective }),
        ...(intervalLevel === undefined ? {} : { intervalLevel }),
      });
    },
  );
};
