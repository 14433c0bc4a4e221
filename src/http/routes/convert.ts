/**
 * GET /v1/convert: a budget in TPU-v4 core hours, with the basis of the conversion.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConvertQuerySchema, ConvertResponseSchema } from '../../api/convert/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { PlannerInputError } from '../../core/errors.js';
import { toTpuV4CoreHours } from '../../core/units/budget.js';

export const convertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/convert',
    {
      schema: {
        operationId: 'convertBudget',
        summary: 'A budget in TPU-v4 core hours, with the basis of the conversion',
        tags: ['convert'],
        querystring: ConvertQuerySchema,
        response: {
          200: ConvertResponseSchema.meta({
            examples: [
              {
                tpuV4CoreHours: 2000,
                requested: { amount: 1000, unit: 'tpu_v4_chip_hours' },
                basis: 'TPU-v4 chip hours x 2 cores per chip (Google Cloud TPU v4 documentation).',
                tpuV4CoreHoursPerUnit: 2,
              },
            ],
          }),
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
