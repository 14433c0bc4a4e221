/**
 * GET /v1/models: every NFNet variant, counted layer by layer, with its cost per epoch.
 */

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ModelsQuerySchema, ModelsResponseSchema } from '../../api/models/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { countNfnet } from '../../core/architecture/count.js';
import { NFNET_VARIANTS, variantSpec } from '../../core/architecture/variants.js';

export const modelRoutes: FastifyPluginAsyncZod = async (app) => {
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
          200: jsonResponse(ModelsResponseSchema),
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
};
