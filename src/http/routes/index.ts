/**
 * The API scope: every route registered here is validated, typed, serialized and documented from zod schemas. The zod
 * compilers are set in this encapsulated plugin, not at the root, so plugin routes that carry plain JSON schemas
 * (metrics, Swagger UI) keep Fastify's own compilers.
 *
 * To add a resource: write src/http/routes/<resource>.ts exporting a FastifyPluginAsyncZod (see dataset.ts), and
 * register it below with the /v1 prefix.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { createSerializerCompiler } from '../serializer.js';
import { benchmarkRoutes } from './benchmark.js';
import { beyondRoutes } from './beyond.js';
import { datasetRoutes } from './dataset.js';
import { frontierRoutes } from './frontier.js';
import { healthRoutes } from './health.js';
import { buildingBlockRoutes } from './models.js';
import { operationRoutes } from './operations.js';
import { planRoutes } from './plans.js';

/** Makes `scope` a zod scope: requests validated by zod, responses by fast-json-stringify from the zod schemas. */
export function useZodCompilers(scope: FastifyInstance, options: { checkResponses: boolean }): void {
  scope.setValidatorCompiler(validatorCompiler);
  scope.setSerializerCompiler(createSerializerCompiler(options));
}

export const apiRoutes: FastifyPluginAsync<{ checkResponses: boolean; benchmarkRoutes: boolean }> = async (
  app,
  options,
) => {
  useZodCompilers(app, options);

  await app.register(healthRoutes);
  await app.register(planRoutes, { prefix: '/v1' });
  await app.register(buildingBlockRoutes, { prefix: '/v1' });
  await app.register(beyondRoutes, { prefix: '/v1' });
  await app.register(frontierRoutes, { prefix: '/v1' });
  await app.register(datasetRoutes, { prefix: '/v1' });
  await app.register(operationRoutes, { prefix: '/v1' });
  if (options.benchmarkRoutes) await app.register(benchmarkRoutes, { prefix: '/bench' });
};
