/**
 * Reference routes for `npm run bench`, registered only with BENCHMARK_ROUTES=true and hidden from the OpenAPI
 * document. They run inside the API scope, behind every plugin a real route has (request id, helmet, rate limit,
 * metrics, load shedding, the summary log line), so the benchmark's ratios isolate what each step adds:
 *   - GET /bench/hello: a hello-world answer, the floor of this app's per-request cost;
 *   - POST /bench/plans-reference: the same body schema and the same compiled response serializer as POST /v1/plans,
 *     answering the plan of the same body computed once (remembered for the first 64 distinct bodies), so its bytes
 *     are POST /v1/plans' bytes: everything POST /v1/plans does but the planning.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PlanRequestSchema, PlanSchema } from '../../api/plans/schemas.js';
import { type Plan, plan } from '../../core/planner/plan.js';

const HelloSchema = z.object({ hello: z.literal('world') });
/** The benchmark sends six bodies; a bound keeps a stray client from growing the map. */
const REMEMBERED_BODIES = 64;

export const benchmarkRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/hello', { schema: { hide: true, response: { 200: HelloSchema } } }, async () => ({
    hello: 'world' as const,
  }));

  const referencePlans = new Map<string, Plan>();
  app.post(
    '/plans-reference',
    { schema: { hide: true, body: PlanRequestSchema, response: { 200: PlanSchema } } },
    async (request) => {
      const key = JSON.stringify(request.body);
      const remembered = referencePlans.get(key);
      if (remembered !== undefined) return remembered;
      const planned = plan(app.planner, request.body);
      if (referencePlans.size < REMEMBERED_BODIES) referencePlans.set(key, planned);
      return planned;
    },
  );
};
