/**
 * GET /v1/convert: a budget in TPU-v4 core hours, with the basis of the conversion.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CONVERT_QUERY_EXAMPLE } from '../../api/convert/examples.js';
import { ConvertQuerySchema, ConvertResponseSchema } from '../../api/convert/schemas.js';
import { withQueryExample } from '../../api/examples.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { PlannerInputError } from '../../core/errors.js';
import { toTpuV4CoreHours } from '../../core/units/budget.js';

export const convertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/convert',
    {
      schema: {
        operationId: 'convertBudget',
        summary: 'A budget in TPU-v4 core hours, with the basis of the conversion',
        description:
          "Converts an amount in any of the five budget units to TPU-v4 core hours, the unit of the paper's figures, and says how, with sources: the same conversion POST /v1/plans applies to its budget.",
        tags: ['convert'],
        querystring: withQueryExample(ConvertQuerySchema, CONVERT_QUERY_EXAMPLE),
        response: {
          200: jsonResponse(ConvertResponseSchema),
          ...problemResponses(400, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request) => {
      try {
        return { ...toTpuV4CoreHours(request.query, app.planner.laws.costModel) };
      } catch (error) {
        throw error instanceof PlannerInputError ? asQueryError(error) : error;
      }
    },
  );
};

/**
 * The converter names a budget's fields as in a plan body ("budget.accelerator"); here they are flat query
 * parameters, so a 400 must name "accelerator" for the caller to find the field it sent.
 */
function asQueryError(error: PlannerInputError): PlannerInputError {
  return new PlannerInputError(error.field.replace(/^budget\./, ''), error.message.replaceAll('budget.', ''));
}
