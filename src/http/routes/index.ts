/**
 * The API scope: every route registered here is validated, typed, serialized and documented from zod schemas. The zod
 * compilers are set in this encapsulated plugin, not at the root, so plugin routes that carry plain JSON schemas
 * (metrics, Swagger UI) keep Fastify's own compilers.
 *
 * To add a resource: write src/http/routes/<resource>.ts exporting a FastifyPluginAsyncZod (see dataset.ts), and
 * register it below with the /v1 prefix.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import cacheValidation, { taggedCoding } from '../plugins/cacheValidation.js';
import compression from '../plugins/compression.js';
import { validatorCompilerWithDecimalUrlNumbers } from '../queryNumbers.js';
import { createSerializerCompiler } from '../serializerCompiler.js';
import { benchmarkRoutes } from './benchmark.js';
import { calibrationRoutes } from './calibration.js';
import { chartRoutes } from './charts.js';
import { convertRoutes } from './convert.js';
import { datasetRoutes } from './dataset.js';
import { evaluateRoutes } from './evaluate.js';
import { fitRoutes } from './fits.js';
import { frontierRoutes } from './frontier.js';
import { healthRoutes } from './health.js';
import { lawRoutes } from './laws.js';
import { modelRoutes } from './models.js';
import { operationRoutes } from './operations.js';
import { outcomeRoutes } from './outcomes.js';
import { planRoutes } from './plans.js';
import { profileRoutes } from './profiles.js';
import { recordedPlanRoutes } from './recordedPlans.js';
import { targetRoutes } from './targets.js';

/** Makes `scope` a zod scope: requests validated by zod (numbers in the URL in decimal notation), responses by fast-json-stringify from the zod schemas. */
export function useZodCompilers(scope: FastifyInstance, options: { checkResponses: boolean }): void {
  scope.setValidatorCompiler(validatorCompilerWithDecimalUrlNumbers);
  scope.setSerializerCompiler(createSerializerCompiler(options));
}

export const apiRoutes: FastifyPluginAsync<{ checkResponses: boolean; benchmarkRoutes: boolean }> = async (
  app,
  options,
) => {
  useZodCompilers(app, options);

  await app.register(healthRoutes);
  // Computed answers (plans, batches, fits, targets, operations): compressed.
  await app.register(async (scope) => {
    await scope.register(compression);
    await scope.register(planRoutes, { prefix: '/v1' });
    await scope.register(targetRoutes, { prefix: '/v1' });
    await scope.register(fitRoutes, { prefix: '/v1' });
    await scope.register(operationRoutes, { prefix: '/v1' });
    await scope.register(recordedPlanRoutes, { prefix: '/v1' });
    await scope.register(profileRoutes, { prefix: '/v1' });
    await scope.register(outcomeRoutes, { prefix: '/v1' });
    await scope.register(calibrationRoutes, { prefix: '/v1' });
  });
  // Answers that depend only on the fitted laws and the URL: ETag and Cache-Control, then compressed.
  await app.register(async (scope) => {
    await scope.register(cacheValidation);
    await scope.register(compression);
    await scope.register(taggedCoding);
    await scope.register(modelRoutes, { prefix: '/v1' });
    await scope.register(evaluateRoutes, { prefix: '/v1' });
    await scope.register(convertRoutes, { prefix: '/v1' });
    await scope.register(lawRoutes, { prefix: '/v1' });
    await scope.register(frontierRoutes, { prefix: '/v1' });
    await scope.register(chartRoutes, { prefix: '/v1' });
    await scope.register(datasetRoutes, { prefix: '/v1' });
  });
  if (options.benchmarkRoutes) await app.register(benchmarkRoutes, { prefix: '/bench' });
};
