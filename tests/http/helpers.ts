import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { PROBLEM_CONTENT_TYPE, type Problem, ProblemSchema } from '../../src/api/problem.js';
import { loadConfig } from '../../src/config.js';
import { fitPaperLaws } from '../../src/core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../src/core/planner/context.js';
import { fitLawEnsemble } from '../../src/core/uncertainty/lawEnsemble.js';
import { buildApp } from '../../src/http/app.js';
import type { Store } from '../../src/storage/store.js';

let sharedPlanner: PlannerContext | undefined;
/** The fitted laws, once per test file rather than once per app. */
export function testPlanner(): PlannerContext {
  if (sharedPlanner === undefined) {
    const laws = fitPaperLaws();
    sharedPlanner = createPlannerContext(laws, fitLawEnsemble(laws));
  }
  return sharedPlanner;
}

/**
 * An app as production builds it, but silent, without rate limit, checking every response against its schema, and
 * ready only once it would tell an orchestrator so.
 */
export async function buildTestApp(
  env: Record<string, string> = {},
  logDestination?: { write(line: string): void },
  options: { store?: Store; openStorageAtStart?: boolean } = {},
): Promise<FastifyInstance> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_ENABLED: 'false',
    // The memory budget is the pod's; a vitest process holding many apps and a worker thread each is not one.
    MEMORY_LIMIT_MIB: '8192',
    // Sampled often, so the load sampler's start-up task (a clear sample after boot) clears in about 100 ms.
    UNDER_PRESSURE_SAMPLE_INTERVAL_MS: '50',
    // The event-loop delay is not watched: the suite's parallel files load both cores, and a batch test refused as
    // "heavy" (a quarter of the delay limit) would say nothing about batches. The shedding tests set their own limit.
    UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    // Nothing on disk: a test that needs the database passes its own (tests/storage/databases.ts).
    DATA_DIR: ':memory:',
    ...env,
  });
  const app = await buildApp({
    config,
    checkResponses: true,
    planner: testPlanner(),
    ...(logDestination ? { logDestination } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.openStorageAtStart ? { openStorageAtStart: true } : {}),
  });
  // ready() resolves once /readyz would say 200, as an orchestrator waits for before sending traffic.
  app.addHook('onReady', async () => {
    while (app.readiness.pending.includes('load-settled'))
      await new Promise((resolve) => setTimeout(resolve, 10));
  });
  return app;
}

/**
 * Asserts an RFC 9457 response: the status, the problem+json content type, a body valid against the Problem schema,
 * the request id as instance and in the header, and nothing that looks like a stack trace.
 */
export function expectProblem(response: LightMyRequestResponse, status: number): Problem {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(
    new RegExp(`^${PROBLEM_CONTENT_TYPE.replace('+', '\\+')}`),
  );
  const problem = ProblemSchema.parse(response.json());
  expect(problem.status).toBe(status);
  expect(problem.instance).toBe(response.headers['x-request-id']);
  expect(response.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts\b|\.js\b/);
  return problem;
}
