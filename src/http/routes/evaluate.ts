/**
 * GET /v1/evaluate: one configuration chosen by the caller, with the same laws and checks as a plan.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accessProblemResponses, KEY_OPTIONAL } from '../../api/access.js';
import { EVALUATE_QUERY_EXAMPLE } from '../../api/evaluate/examples.js';
import { EvaluateQuerySchema, EvaluationSchema } from '../../api/evaluate/schemas.js';
import { withQueryExample } from '../../api/examples.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { evaluateConfiguration } from '../../core/planner/evaluate.js';
import { evaluateForProfile } from '../profilePlans.js';

export const evaluateRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/evaluate',
    {
      schema: {
        operationId: 'evaluateConfiguration',
        summary: 'Cost, predictions and learning rate of one configuration',
        description:
          'A chosen variant trained for a chosen number of epochs: what it costs and what the laws predict.',
        tags: ['plans'],
        querystring: withQueryExample(EvaluateQuerySchema, EVALUATE_QUERY_EXAMPLE),
        security: KEY_OPTIONAL,
        response: {
          200: jsonResponse(EvaluationSchema),
          ...problemResponses(400, 422, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const { profile, ...query } = request.query;
      return profile === undefined
        ? evaluateConfiguration(app.planner, query)
        : evaluateForProfile(app, request, { ...query, profile });
    },
  );
};
