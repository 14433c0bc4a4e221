/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas (fastify-type-provider-zod's transforms), served at
 * /openapi.json, with Swagger UI at /docs. The document is always generated, so scripts/openapi.ts can write it, even
 * when the routes that serve it are turned off.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { SECURITY_SCHEMES } from '../../api/access.js';
import { finishDocument } from '../../api/document.js';
import cacheValidation, { taggedCoding } from './cacheValidation.js';
import compression from './compression.js';
import { DOCS_CSP } from './security.js';

/** Tags in the order Swagger UI lists them; a route names one in `schema.tags`. */
export const TAGS = [
  { name: 'plans', description: 'Training plans for a compute budget.' },
  { name: 'models', description: 'NFNet variants: size, compute per image and cost per epoch.' },
  { name: 'evaluate', description: 'Cost and predictions for one model and epoch budget.' },
  { name: 'laws', description: 'The fitted scaling laws and the allocation they imply.' },
  { name: 'convert', description: 'Compute budgets in TPU-v4 core hours.' },
  { name: 'targets', description: 'The smallest budget that reaches a target loss or top-1.' },
  { name: 'fits', description: 'The loss surface fitted to your own runs, with bootstrap intervals.' },
  {
    name: 'profiles',
    description:
      "Your team's stored calibrations: versions, outcomes of planned runs, calibration reports (API key).",
  },
  { name: 'charts', description: 'The frontier and the learning-rate law as series and SVG charts.' },
  { name: 'dataset', description: "The paper's data points and stated facts, with provenance." },
  { name: 'operations', description: 'Long-running requests, and the liveness and readiness probes.' },
] as const;

export type TagName = (typeof TAGS)[number]['name'];

const docsPlugin: FastifyPluginAsync<{ serveDocs: boolean }> = async (app, options) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'scaleplan',
        version: '1.0.0',
        description:
          'Plans NFNet image-model pre-training from a compute budget, following Smith, Brock, Berrada & De (2023), ' +
          '"ConvNets Match Vision Transformers at Scale" (arXiv 2310.16764). Every error is an RFC 9457 problem ' +
          '(application/problem+json) whose instance is the request id. Prometheus metrics are not served here but on ' +
          'a separate listener (METRICS_PORT): see GET /metrics and its server.',
      },
      servers: [{ url: '/', description: 'This server' }],
      // Planning on the paper's laws needs no key: the document's default is stated as none (an empty list, so a
      // generator or linter does not take the absence for an omission); each operation on a team's data declares the
      // bearer scheme itself.
      security: [],
      tags: TAGS.map((tag) => ({ ...tag })),
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: jsonSchemaTransform,
    // Named components ($ref) for the schemas registered with an id, then the contract's last pass over the document.
    transformObject: (document) => finishDocument(jsonSchemaTransformObject(document)),
  });
  if (!options.serveDocs) return;
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  // The document depends only on the routes: validated and compressed like the laws.
  await app.register(async (scope) => {
    await scope.register(cacheValidation);
    await scope.register(compression);
    await scope.register(taggedCoding);
    scope.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });
};

export default fp(docsPlugin, { name: 'docs' });
