/**
 * The fuzz oracle, read from the OpenAPI document the app generates: every answer to a documented operation uses a
 * status that operation documents and is never a 5xx; a 2xx carries a documented content type and a body valid against
 * the documented response schema (checked here by ./arbitraries.ts validate, independently of the app's own zod
 * check); a 4xx is an RFC 9457 problem whose status matches, whose instance is the request id, and which leaks no stack
 * trace. No request may take longer than INJECT_TIMEOUT_MS.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { FITS_REQUEST_EXAMPLE } from '../../../src/api/fits/examples.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../../src/api/problem.js';
import { buildTestApp } from '../helpers.js';
import { type JsonSchema, type QueryParameter, validate } from './arbitraries.js';

export const INJECT_TIMEOUT_MS = 5_000;

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  requestBody: JsonSchema | undefined;
  /** The documented examples of the request body. */
  requestExamples: unknown[];
  parameters: QueryParameter[];
  /** Status -> media type -> schema. */
  responses: Map<number, Map<string, JsonSchema>>;
}

interface OpenApiMedia {
  schema: JsonSchema & { examples?: unknown[] };
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, OpenApiMedia> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

export interface FuzzTarget {
  app: FastifyInstance;
  document: unknown;
  operations: Operation[];
  /**
   * Sent with every request: an admin key of the team that owns the resources of concretePath, so the operations that
   * need a key are fuzzed past authentication, and If-Match: * so updates are fuzzed past their precondition.
   */
  headers: Record<string, string>;
  /** The recorded plan (against profile `fuzz`) and outcome that exist. */
  ids: { plan: string; outcome: string };
  /** The path with its parameters filled with resources that exist: {name} a profile, {id} a recorded plan or outcome. */
  concretePath(path: string): string;
}

/**
 * The app as production builds it (see buildTestApp), with load shedding off: a 503 because the fuzz keeps the event
 * loop busy would say nothing about the input.
 */
export async function fuzzTarget(): Promise<FuzzTarget> {
  const app = await buildTestApp({ UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' });
  await app.ready();
  const document = app.swagger() as unknown as { paths: Record<string, Record<string, OpenApiOperation>> };
  // A path with servers of its own (GET /metrics, on METRICS_PORT) is not served by this app.
  const served = Object.entries(document.paths).filter(([, methods]) => !('servers' in methods));
  const operations = served.flatMap(([path, methods]) =>
    Object.entries(methods).map(
      ([method, operation]): Operation => ({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId ?? `${method} ${path}`,
        requestBody: operation.requestBody?.content?.['application/json']?.schema,
        requestExamples: examplesOf(operation.requestBody?.content?.['application/json']),
        parameters: (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => ({
            name: parameter.name,
            required: parameter.required ?? false,
            schema: parameter.schema,
          })),
        responses: new Map(
          Object.entries(operation.responses).map(([status, response]) => [
            Number(status),
            new Map(Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema])),
          ]),
        ),
      }),
    ),
  );
  const store = await app.store();
  const key = await store.createKey('fuzz', 'admin');
  const profile = await app.inject({
    method: 'POST',
    url: '/v1/profiles',
    headers: { authorization: `Bearer ${key.token}` },
    payload: { name: 'fuzz', runs: FITS_REQUEST_EXAMPLE.runs },
  });
  const plan = await app.inject({
    method: 'POST',
    url: '/v1/plans',
    headers: { authorization: `Bearer ${key.token}` },
    payload: { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, profile: 'fuzz', record: true },
  });
  const outcome = await app.inject({
    method: 'POST',
    url: '/v1/profiles/fuzz/outcomes',
    headers: { authorization: `Bearer ${key.token}` },
    payload: { model: 'F1', epochs: 1, loss: 2.7 },
  });
  for (const response of [profile, plan, outcome]) expect(response.statusCode, response.body).toBe(201);
  const ids = { plan: plan.json().id as string, outcome: outcome.json().id as string };
  const concretePath = (path: string) =>
    path
      .replace('{name}', 'fuzz')
      .replace('{version}', '1')
      .replace('/plans/recorded/{id}', `/plans/recorded/${ids.plan}`)
      .replace('/outcomes/{id}', `/outcomes/${ids.outcome}`);
  return {
    app,
    document,
    operations,
    headers: { authorization: `Bearer ${key.token}`, 'if-match': '*' },
    ids,
    concretePath,
  };
}

function examplesOf(media: OpenApiMedia | undefined): unknown[] {
  if (!media) return [];
  return [
    ...('example' in media ? [media.example] : []),
    ...Object.values(media.examples ?? {}).map((example) => example.value),
    ...(media.schema.examples ?? []),
  ];
}

/** app.inject, failing if the answer takes longer than INJECT_TIMEOUT_MS (a hang, or a handler busy that long). */
export async function injectWithin(
  app: FastifyInstance,
  request: InjectOptions,
): Promise<LightMyRequestResponse> {
  const startedMs = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${INJECT_TIMEOUT_MS} ms: ${describe(request)}`)),
      INJECT_TIMEOUT_MS,
    );
  });
  try {
    const response = await Promise.race([app.inject(request), timeout]);
    // A synchronous handler blocks the timer too; the clock still tells.
    const elapsedMs = performance.now() - startedMs;
    expect(elapsedMs, `took ${elapsedMs.toFixed(0)} ms: ${describe(request)}`).toBeLessThan(
      INJECT_TIMEOUT_MS,
    );
    return response;
  } finally {
    clearTimeout(timer);
  }
}

export function describe(request: InjectOptions): string {
  const payload = request.payload;
  const text = Buffer.isBuffer(payload) ? `<${payload.length} bytes>` : String(payload ?? '<no body>');
  const contentType = (request.headers as Record<string, string> | undefined)?.['content-type'];
  const url = String(request.url);
  return `${request.method} ${url.length > 300 ? `${url.slice(0, 300)}... (${url.length} chars)` : url} [${contentType ?? 'no content-type'}] ${text.length > 300 ? `${text.slice(0, 300)}... (${text.length} chars)` : text}`;
}

/** A stack frame ("at fn (/path/file.js:1:2)"), a source path, or node_modules in the body. */
const STACK_TRACE = /\bat (?:async )?\S*\s*\(?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+|node_modules/;

/**
 * Asserts the answer is one the document allows for `operation`; returns the status class for the caller's counts.
 */
export function expectDocumentedAnswer(
  target: FuzzTarget,
  operation: Operation,
  request: InjectOptions,
  response: LightMyRequestResponse,
): 'success' | 'client_error' {
  const what = `${describe(request)} -> ${response.statusCode} ${response.body.slice(0, 500)}`;
  expect(response.statusCode, `5xx: ${what}`).toBeLessThan(500);
  const documented = operation.responses.get(response.statusCode);
  expect(documented, `undocumented status: ${what}`).toBeDefined();
  const mediaType = String(response.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim();
  const schema = documented?.get(mediaType ?? '');
  expect(schema, `undocumented content type ${mediaType}: ${what}`).toBeDefined();
  expect(response.body).not.toMatch(STACK_TRACE);
  if (response.statusCode >= 400) {
    expect(mediaType).toBe(PROBLEM_CONTENT_TYPE);
    const problem = ProblemSchema.parse(response.json());
    expect(problem.status, what).toBe(response.statusCode);
    expect(problem.instance, what).toBe(response.headers['x-request-id']);
    expect(validate(problem, schema as JsonSchema, target.document), what).toEqual([]);
    return 'client_error';
  }
  expect(response.statusCode, what).toBeGreaterThanOrEqual(200);
  const body = mediaType === 'application/json' ? response.json() : response.body;
  expect(validate(body, schema as JsonSchema, target.document).slice(0, 5), what).toEqual([]);
  return 'success';
}

/** Nothing reached Object.prototype. */
export function expectPrototypeClean(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
}

/** Counts of outcomes per kind of input, for the non-vacuity checks and the failure messages. */
export class Tally {
  readonly #counts = new Map<string, Map<string, number>>();

  add(kind: string, outcome: string): void {
    const byOutcome = this.#counts.get(kind) ?? new Map<string, number>();
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    this.#counts.set(kind, byOutcome);
  }

  count(kind: string, outcome?: string): number {
    const byOutcome = this.#counts.get(kind);
    if (!byOutcome) return 0;
    if (outcome !== undefined) return byOutcome.get(outcome) ?? 0;
    return [...byOutcome.values()].reduce((a, b) => a + b, 0);
  }

  total(): number {
    return [...this.#counts.keys()].reduce((sum, kind) => sum + this.count(kind), 0);
  }

  toString(): string {
    return [...this.#counts]
      .map(([kind, byOutcome]) => `${kind}: ${[...byOutcome].map(([o, n]) => `${o}=${n}`).join(' ')}`)
      .join('\n');
  }
}
