/**
 * Fuzzing every documented operation through app.inject with arbitrary query strings and bodies (fast-check). Oracle:
 * the OpenAPI document the app generates. Each answer must use a status documented for that operation (or 404/405 for
 * paths and methods that do not exist), never a 5xx, and every error body must be a valid problem+json object. The app
 * checks 2xx bodies against their zod schemas itself (checkResponses), so a non-conforming success turns into a 500
 * here. Operations added later are fuzzed too, since the list comes from the document.
 */
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../src/http/schemas/problem.js';
import { buildTestApp } from './helpers.js';

interface Operation {
  method: string;
  path: string;
  statuses: Set<number>;
}

let app: FastifyInstance;
let operationsList: Operation[];

beforeAll(async () => {
  app = await buildTestApp();
  await app.ready();
  const document = app.swagger() as unknown as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };
  operationsList = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      statuses: new Set(Object.keys(operation.responses).map(Number)),
    })),
  );
});
afterAll(async () => app.close());

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 12 }), fc.double().map(String))),
      {
        maxLength: 4,
      },
    )
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom(
    '%E0%A4%A',
    'a=%',
    '&&=&',
    'a[b]=1&a[c]=2',
    'x=1&x=2',
    '__proto__[polluted]=1',
    'constructor=1',
  ),
);

const body = fc.oneof(
  fc.constant(undefined),
  fc
    .jsonValue({ maxDepth: 4 })
    .map((value) => ({ payload: JSON.stringify(value), type: 'application/json' })),
  fc.record({
    payload: fc.string({ maxLength: 60 }),
    type: fc.constantFrom('application/json', 'text/plain'),
  }),
  fc.constantFrom(
    { payload: '{"__proto__":{"polluted":true}}', type: 'application/json' },
    { payload: '{"constructor":{"prototype":{"polluted":true}}}', type: 'application/json' },
  ),
);

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function expectProblemBody(response: Awaited<ReturnType<FastifyInstance['inject']>>) {
  expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
  const problem = ProblemSchema.parse(response.json());
  expect(problem.status).toBe(response.statusCode);
}

describe('fuzz', () => {
  it('documented operations answer only documented statuses, with problem+json errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), queryString, body, async (pick, query, sent) => {
        const operation = operationsList[pick % operationsList.length] as Operation;
        const request: InjectOptions = {
          method: operation.method as InjectOptions['method'],
          url: `${operation.path}${query ? `?${query}` : ''}`,
          ...(sent ? { payload: sent.payload, headers: { 'content-type': sent.type } } : {}),
        };
        const response = await app.inject(request);
        expect(
          operation.statuses,
          `${request.method} ${request.url} -> ${response.statusCode} ${response.body}`,
        ).toContain(response.statusCode);
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) expectProblemBody(response);
      }),
      { numRuns: 400 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('undocumented methods on documented paths are 405 with Allow; unknown paths are 404', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.constantFrom(...METHODS),
        fc.boolean(),
        fc.string({ minLength: 1, maxLength: 20 }),
        async (pick, method, unknownPath, segment) => {
          const operation = operationsList[pick % operationsList.length] as Operation;
          const path = unknownPath ? `/v1/zz-${encodeURIComponent(segment)}` : operation.path;
          const documented = operationsList.some((op) => op.path === path && op.method === method);
          fc.pre(!documented);
          const response = await app.inject({ method, url: path });
          expect(response.statusCode).toBe(unknownPath ? 404 : 405);
          if (!unknownPath) expect(response.headers.allow).toContain(operation.method);
          expectProblemBody(response);
        },
      ),
      { numRuns: 200 },
    );
  });
});
