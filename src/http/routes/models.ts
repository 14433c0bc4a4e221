/**
 * GET /v1/models, GET /v1/evaluate, GET /v1/convert and GET /v1/laws: the planner's building blocks, one call each.
 */

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accessProblemResponses, KEY_OPTIONAL } from '../../api/access.js';
import { countNfnet } from '../../core/architecture/count.js';
import { NFNET_VARIANTS, variantSpec } from '../../core/architecture/variants.js';
import { PlannerInputError } from '../../core/errors.js';
import { lawsReport } from '../../core/laws/report.js';
import { evaluateConfiguration } from '../../core/planner/evaluate.js';
import { toTpuV4CoreHours } from '../../core/units/budget.js';
import { EVALUATION_EXAMPLE, LAWS_EXAMPLE, MODELS_EXAMPLE } from '../examples/building-blocks.js';
import { evaluateForProfile } from '../profilePlans.js';
import { LawsResponseSchema } from '../schemas/laws.js';
import {
  ConvertQuerySchema,
  ConvertResponseSchema,
  EvaluateQuerySchema,
  EvaluationSchema,
  ModelsQuerySchema,
  ModelsResponseSchema,
} from '../schemas/models.js';
import { COMMON_PROBLEMS, problemResponses } from '../schemas/problem.js';

export const buildingBlockRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/models',
    {
      schema: {
        operationId: 'listModels',
        summary: 'Every NFNet variant with its size, FLOPs and cost per epoch',
        description:
          "Parameters, MACs and FLOPs counted layer by layer for the given resolution and class count; cost per JFT-4B epoch on TPU-v4 from one family cost law (c_family x FLOPs^g, fitted to the six trained variants' Figure 2 costs, which are shown beside it with their residuals) and the throughput it implies.",
        tags: ['models'],
        querystring: ModelsQuerySchema,
        response: {
          200: ModelsResponseSchema.meta({ examples: [MODELS_EXAMPLE] }),
          ...problemResponses(400, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request) => {
      const { resolution, classes } = request.query;
      const costs = app.planner.laws.costModel.byVariant;
      return {
        resolution,
        classes,
        models: NFNET_VARIANTS.map((name) => {
          const spec = variantSpec(name);
          const count = countNfnet(name, resolution, classes);
          const cost = costs[name];
          return {
            name,
            depths: [...spec.stageDepths],
            widths: [...spec.stageWidths],
            params: count.params,
            macs: count.macs,
            flops: count.flops,
            costPerEpochTpuV4CoreHours: cost.costPerEpochTpuV4CoreHours,
            costFamily: cost.family,
            trainedInPaper: app.planner.byName[name].trainedInPaper,
            ...(cost.measuredCostPerEpochTpuV4CoreHours !== undefined && {
              measuredCostPerEpochTpuV4CoreHours: cost.measuredCostPerEpochTpuV4CoreHours,
              costLawResidualPercent: cost.costLawResidualPercent,
            }),
            imagesPerSecondPerCore: cost.imagesPerSecondPerCore,
            achievedTflopsPerCore: cost.achievedTflopsPerCore,
            utilization: cost.utilization,
          };
        }),
        provenance:
          'Counts: layer by layer from the NFNet definition (Brock et al. 2021); costs: the family cost law fitted to Figure 2 of Smith et al. 2023, digitized',
      };
    },
  );

  app.get(
    '/evaluate',
    {
      schema: {
        operationId: 'evaluateConfiguration',
        summary: 'Cost, predictions and learning rate of one configuration',
        description:
          'A chosen variant trained for a chosen number of epochs: what it costs and what the laws predict.',
        tags: ['plans'],
        querystring: EvaluateQuerySchema,
        security: KEY_OPTIONAL,
        response: {
          200: EvaluationSchema.meta({ examples: [EVALUATION_EXAMPLE] }),
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
          200: LawsResponseSchema.meta({ examples: [LAWS_EXAMPLE] }),
          ...problemResponses(...COMMON_PROBLEMS),
        },
      },
    },
    async () => lawsReport(app.planner.laws, app.planner.uncertainty?.ensemble),
  );
};

/**
 * The converter names a budget's fields as in a plan body ("budget.accelerator"); here they are flat query
 * parameters, so a 400 must name "accelerator" for the caller to find the field it sent.
 */
function asQueryError(error: PlannerInputError): PlannerInputError {
  return new PlannerInputError(error.field.replace(/^budget\./, ''), error.message.replaceAll('budget.', ''));
}
