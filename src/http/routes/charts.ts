/**
 * The SVG charts: GET /v1/charts/frontier.svg and GET /v1/charts/learning-rate.svg. Handlers only call the chart
 * renderers.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  FrontierChartQuerySchema,
  LearningRateChartQuerySchema,
  SvgSchema,
} from '../../api/charts/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { frontierChartSvg, learningRateChartSvg } from '../../charts/plannerCharts.js';

const SVG_CONTENT_TYPE = 'image/svg+xml';
const SVG_EXAMPLE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 880 560">…</svg>';

function svgResponse(description: string) {
  return {
    description,
    content: { [SVG_CONTENT_TYPE]: { schema: SvgSchema.meta({ examples: [SVG_EXAMPLE] }) } },
  };
}

export const chartRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/charts/frontier.svg',
    {
      schema: {
        operationId: 'getFrontierChart',
        summary: 'Chart: loss or top-1 against budget, with the fitted frontier and an optional plan',
        description:
          "Log-log axes; the paper's six curves as points and lines, the fitted frontier dashed, and the recommended plan for ?budget= as a star. With the laws' ensemble, the best plan's confidence band is shaded and the marked plan's confidence interval drawn as a bar, both at ?intervalLevel= (default 0.9).",
        tags: ['charts'],
        querystring: FrontierChartQuerySchema,
        response: {
          200: svgResponse('The chart as a standalone SVG document.'),
          ...problemResponses(400, ...COMMON_PROBLEMS),
        },
      },
    },
    async (request, reply) => {
      const { metric, budget, strategy, intervalLevel } = request.query;
      const svg = frontierChartSvg(app.planner, {
        metric,
        ...(budget === undefined ? {} : { budgetTpuV4CoreHours: budget }),
        ...(strategy === undefined ? {} : { strategy }),
        ...(intervalLevel === undefined ? {} : { intervalLevel }),
      });
      return reply
        .type(SVG_CONTENT_TYPE)
        .serializer((body: unknown) => body as string)
        .send(svg);
    },
  );

  app.get(
    '/charts/learning-rate.svg',
    {
      schema: {
        operationId: 'getLearningRateChart',
        summary: "Chart: Figure 3's optimal learning rates with the fitted law",
        description:
          "Epochs (log2) against learning rate (log2) on the paper's factor-2 grid, one law line per model.",
        tags: ['charts'],
        querystring: LearningRateChartQuerySchema,
        response: {
          200: svgResponse('The chart as a standalone SVG document.'),
          ...problemResponses(400, ...COMMON_PROBLEMS),
        },
      },
    },
    async (_request, reply) =>
      reply
        .type(SVG_CONTENT_TYPE)
        .serializer((body: unknown) => body as string)
        .send(learningRateChartSvg(app.planner)),
  );
};
