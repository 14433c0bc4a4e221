/**
 * The committed OpenAPI document. Oracles: the OpenAPI 3.1 specification (through @readme/openapi-parser), the
 * document the running app serves (the committed file must not drift from it), and the rule that every route,
 * request and response, errors included, has a schema, a summary and examples.
 */
import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES } from '../../src/api/problem.js';
import { buildTestApp } from './helpers.js';

interface Media {
  schema?: Record<string, unknown>;
  example?: unknown;
  examples?: unknown;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; schema?: unknown; description?: string }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<
    string,
    { description?: string; content?: Record<string, Media>; headers?: Record<string, unknown> }
  >;
  security?: unknown[];
}

const committedPath = new URL('../../openapi/openapi.json', import.meta.url);
let app: FastifyInstance;
// Read at collection time: the per-operation tests are generated from it.
const committedText = readFileSync(committedPath, 'utf8');
const document: {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  tags: { name: string }[];
} = JSON.parse(committedText);

beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => app.close());

const hasExample = (media: Media) =>
  media.example !== undefined || media.examples !== undefined || Array.isArray(media.schema?.examples);

/** The operations this app serves: a path with servers of its own (GET /metrics, on METRICS_PORT) is not one. */
function operations(): [string, Operation][] {
  const served = Object.entries(document.paths).filter(([, methods]) => !('servers' in methods));
  return served.flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}

describe('openapi/openapi.json', () => {
  it('is exactly what the app generates (run npm run openapi:write after changing a route)', async () => {
    await app.ready();
    expect(committedText).toBe(`${JSON.stringify(app.swagger(), null, 2)}\n`);
  });

  it('is what the app serves at /openapi.json', async () => {
    expect((await app.inject({ url: '/openapi.json' })).json()).toEqual(document);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
  });

  it('lists the API routes and hides the plugin routes', () => {
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/v1/dataset']),
    );
    for (const hidden of ['/docs', '/openapi.json']) expect(document.paths[hidden]).toBeUndefined();
  });

  it('documents GET /metrics with the server it lives on (METRICS_PORT), not this one', async () => {
    const metrics = document.paths['/metrics'] as unknown as {
      servers: { url: string; description: string }[];
      get: Operation;
    };
    expect(metrics.servers[0]?.description).toMatch(/METRICS_PORT/);
    expect(metrics.get.responses['200']?.content?.['text/plain']).toBeDefined();
    // And, as documented, the API port does not serve it.
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
  });

  it('declares the database outage (503, storage-unavailable, Retry-After) on every operation that takes a key', () => {
    const keyed = operations().filter(([, operation]) => operation.security !== undefined);
    // Keys, profiles and recorded plans live in the database: the operations on them, and the planning operations
    // that accept a profile.
    expect(keyed.map(([name]) => name)).toEqual(
      expect.arrayContaining(['GET /v1/profiles', 'POST /v1/plans', 'GET /v1/plans/recorded/{id}']),
    );
    for (const [name, operation] of keyed) {
      const unavailable = operation.responses['503'];
      expect(unavailable?.headers?.['Retry-After'], name).toBeDefined();
      expect(unavailable?.content?.[PROBLEM_CONTENT_TYPE]?.example, name).toMatchObject({
        type: PROBLEM_TYPES.storageUnavailable,
        status: 503,
      });
    }
  });

  it.each(operations())('%s has an operationId, a summary and a declared tag', (_name, operation) => {
    expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
    expect(operation.summary?.length).toBeGreaterThan(0);
    expect(operation.tags?.length).toBe(1);
    expect(document.tags.map((tag) => tag.name)).toContain(operation.tags?.[0]);
  });

  it.each(operations())(
    '%s documents every parameter and body with a schema and examples',
    (_name, operation) => {
      for (const parameter of operation.parameters ?? []) {
        expect(parameter.schema, parameter.name).toBeDefined();
        expect(parameter.description, parameter.name).toBeTruthy();
      }
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        expect(media.schema, type).toBeDefined();
        expect(hasExample(media), `request ${type} example`).toBe(true);
      }
    },
  );

  it.each(operations())(
    '%s documents every response with a description, a schema and an example',
    (_name, operation) => {
      const statuses = Object.keys(operation.responses);
      expect(statuses.some((status) => status.startsWith('2'))).toBe(true);
      expect(statuses).toContain('500');
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, status).toBeTruthy();
        expect(response.description, status).not.toBe('Default Response');
        const content = Object.entries(response.content ?? {});
        expect(content.length, `${status} content`).toBeGreaterThan(0);
        for (const [type, media] of content) {
          if (!status.startsWith('2')) expect(type, status).toBe(PROBLEM_CONTENT_TYPE);
          expect(media.schema, `${status} ${type}`).toBeDefined();
          expect(hasExample(media), `${status} ${type} example`).toBe(true);
        }
      }
    },
  );
});
