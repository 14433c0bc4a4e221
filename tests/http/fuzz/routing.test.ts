/**
 * Fuzzing every documented operation with arbitrary (not schema-derived) query strings and bodies, and every path
 * with undocumented methods and unknown paths. Oracle: the OpenAPI document the app generates (./oracle.ts): only
 * statuses documented for the operation, never a 5xx, 2xx bodies valid against the documented response schema, errors
 * as problem+json; an undocumented method on a documented path is a 405 naming the allowed methods, an unknown path a
 * 404. Operations added later are fuzzed too, since the list comes from the document.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../../src/api/problem.js';
import {
  expectDocumentedAnswer,
  expectPrototypeClean,
  type FuzzTarget,
  fuzzTarget,
  injectWithin,
  type Operation,
} from './oracle.js';

let target: FuzzTarget;

beforeAll(async () => {
  target = await fuzzTarget();
});
afterAll(async () => target.app.close());

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 12 }), fc.double().map(String))),
      { maxLength: 4 },
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

describe('arbitrary input and routing', () => {
  it('documented operations answer arbitrary query strings and bodies only as documented', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), queryString, body, async (pick, query, sent) => {
        const operation = target.operations[pick % target.operations.length] as Operation;
        const request: InjectOptions = {
          method: operation.method as InjectOptions['method'],
          url: `${operation.path}${query ? `?${query}` : ''}`,
          ...(sent ? { payload: sent.payload, headers: { 'content-type': sent.type } } : {}),
        };
        expectDocumentedAnswer(target, operation, request, await injectWithin(target.app, request));
      }),
      { numRuns: 400 },
    );
    expectPrototypeClean();
  });

  it('undocumented methods on documented paths are 405 with Allow; unknown paths are 404', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.constantFrom(...METHODS),
        fc.boolean(),
        fc.string({ minLength: 1, maxLength: 20 }),
        async (pick, method, unknownPath, segment) => {
          const operation = target.operations[pick % target.operations.length] as Operation;
          const path = unknownPath ? `/v1/zz-${encodeURIComponent(segment)}` : operation.path;
          const documented = target.operations.some((op) => op.path === path && op.method === method);
          fc.pre(!documented);
          const response = await injectWithin(target.app, { method, url: path });
          expect(response.statusCode).toBe(unknownPath ? 404 : 405);
          if (!unknownPath) expect(response.headers.allow).toContain(operation.method);
          expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
          const problem = ProblemSchema.parse(response.json());
          expect(problem.status).toBe(response.statusCode);
          expect(problem.instance).toBe(response.headers['x-request-id']);
        },
      ),
      { numRuns: 200 },
    );
  });
});
