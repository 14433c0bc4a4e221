/**
 * Reference routes for `npm run bench`, registered only with BENCHMARK_ROUTES=true and hidden from the OpenAPI
 * document. They run inside the API scope, behind every plugin a real route has (request id, helmet, rate limit,
 * metrics, load shedding, the summary log line), so the benchmark's ratios isolate what each step adds:
 *   - GET /bench/hello: a hello-world answer, the floor of this app's per-request cost;
 *   - POST /bench/plans-reference: the same body schema and the same compiled response serializer as POST /v1/plans,
 *     answering one plan computed once; everything POST /v1/plans does but the planning.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PLAN_REQUEST_EXAMPLE } from '../../api/plans/examples.js';
import { PlanRequestSchema, PlanSchema } from '../../api/plans/schemas.js';
import { type Plan, plan } from '../../core/planner/plan.js';

const HelloSchema = z.object({ hello: z.literal('world') });

export const benchmarkRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/hello', { schema: { hide: true, response: { 200: HelloSchema } } }, async () => ({
    hello: 'world' as const,
  }));

  let referencePlan: Plan | undefined;
  app.post(
    '/plans-reference',
    { schema: { hide: true, body: PlanRequestSchema, response: { 200: PlanSchema } } },
    async () => {
      // The laws are fitted in onReady, so the one plan is made on the first request rather than at registration.
      referencePlan ??= plan(app.planner, PLAN_REQUEST_EXAMPLE);
      return referencePlan;
    },
  );
};
