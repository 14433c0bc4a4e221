import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { fitPaperLaws } from '../../src/core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../src/core/planner/context.js';
import { buildApp } from '../../src/http/app.js';
import { PROBLEM_CONTENT_TYPE, type Problem, ProblemSchema } from '../../src/http/schemas/problem.js';

let sharedPlanner: PlannerContext | undefined;
/** The fitted laws, once per test file rather than once per app. */
export function testPlanner(): PlannerContext {
  sharedPlanner ??= createPlannerContext(fitPaperLaws());
  return sharedPlanner;
}

/** An app as production builds it, but silent, without rate limit, and checking every response against its schema. */
export async function buildTestApp(
  env: Record<string, string> = {},
  logDestination?: { write(line: string): void },
): Promise<FastifyInstance> {
  // The memory budget is the pod's; a vitest process holding many apps and a worker thread each is not one.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_ENABLED: 'false',
    MEMORY_LIMIT_MIB: '8192',
    ...env,
  });
  return buildApp({
    config,
    checkResponses: true,
    planner: testPlanner(),
    ...(logDestination ? { logDestination } : {}),
  });
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
