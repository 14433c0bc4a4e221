/**
 * GET /v1/dataset: the paper's data as the planner uses it, so a client can check or re-fit every number the API derives.
 * The pattern the other resources follow: zod schemas with descriptions and examples, a summary and a tag, documented
 * problem responses in the application/problem+json form, and a handler that only calls the core.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type DatasetResponse, DatasetResponseSchema } from '../../api/dataset/schemas.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import { jsonResponse } from '../../api/responses.js';
import { FACTS, type FactId } from '../../core/dataset/facts.js';
import {
  FIGURE1_NFNET_IMAGENET_ERROR,
  FIGURE1_REFERENCE_POINTS,
  FIGURE2_JFT_VALIDATION_LOSS,
  FIGURE3_OPTIMAL_LEARNING_RATE,
} from '../../core/dataset/figures.js';

/** Built once: the data are constants. */
export const DATASET: DatasetResponse = {
  paper: {
    title: 'ConvNets Match Vision Transformers at Scale',
    authors: ['Samuel L. Smith', 'Andrew Brock', 'Leonard Berrada', 'Soham De'],
    arxiv: '2310.16764',
    url: 'https://arxiv.org/abs/2310.16764',
  },
  figure1: {
    figure: 'Figure 1',
    title: 'ImageNet top-1 error after fine-tuning against pre-training compute',
    provenance: 'digitized',
    points: FIGURE1_NFNET_IMAGENET_ERROR.map((point) => ({ ...point })),
  },
  figure1ReferencePoints: {
    figure: 'Figure 1',
    title: 'Reference models shown for comparison: F7+ with repeated augmentation and ViT baselines',
    provenance: 'digitized',
    points: FIGURE1_REFERENCE_POINTS.map((point) => ({ ...point })),
  },
  figure2: {
    figure: 'Figure 2',
    title: 'JFT-4B held-out validation loss against pre-training compute',
    provenance: 'digitized',
    points: FIGURE2_JFT_VALIDATION_LOSS.map((point) => ({ ...point })),
  },
  figure3: {
    figure: 'Figure 3',
    title: 'Optimal base learning rate against epoch budget',
    provenance: 'digitized',
    points: FIGURE3_OPTIMAL_LEARNING_RATE.map((point) => ({ ...point })),
  },
  facts: (Object.keys(FACTS) as FactId[]).map((id) => {
    const { value, unit, meaning, source, kind } = FACTS[id];
    return { id, value, unit, meaning, source, provenance: kind };
  }),
};

/**
 * The body, serialized once. Serializing these 15.7 kB took about 35 us per request, the bulk of the route's cost; a
 * shortcut only for constant data (dynamic routes return objects for the compiled serializer). Tests parse the served
 * body with DatasetResponseSchema, so conformance is still checked.
 */
const DATASET_JSON = JSON.stringify(DATASET);

export const datasetRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/dataset',
    {
      schema: {
        operationId: 'getDataset',
        summary: "The paper's data points and stated facts",
        description:
          'Every point digitized from Figures 1, 2 and 3 of the paper (with occlusion flags), the reference models of ' +
          'Figure 1, and the numbers stated in its text, each with where it comes from. Takes no parameters.',
        tags: ['dataset'],
        querystring: z.strictObject({}).describe('No parameters; any query parameter is rejected.'),
        response: {
          200: jsonResponse(DatasetResponseSchema),
          ...problemResponses(400, ...COMMON_PROBLEMS),
        },
      },
    },
    async (_request, reply) =>
      reply
        .type('application/json; charset=utf-8')
        .serializer(() => DATASET_JSON)
        .send(DATASET),
  );
};
