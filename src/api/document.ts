/**
 * The last pass over the OpenAPI document, after fastify-type-provider-zod has turned the routes' zod schemas into
 * JSON Schema with a named component for every schema registered with an id (`.meta({ id })`):
 * - components no operation reaches are dropped, and a request-side component (suffixed "Input" by the type
 *   provider) takes the plain name when no response uses that name, so a client generator sees PlanRequest, not
 *   PlanRequestInput;
 * - examples are set on the media types, where they belong to one operation: the hand-written example requests, the
 *   stored answers to them (src/api/examples.ts), a recorded plan's 201 and one problem per documented error status
 *   (access problems from src/api/access.ts). A named schema carries
 *   no example of its own, so every operation that uses it says what it means.
 * - an operation that takes an API key uses the database (keys, and all a key reaches, live there), so its 503 says
 *   the database may be unavailable, shows that problem and declares retry-after.
 * - GET /metrics is described with the server it lives on (METRICS_PORT), which is not the API's.
 * Pure: takes a document, returns a new one.
 */

import { ACCESS_PROBLEM_EXAMPLES } from './access.js';
import { responseExamples } from './examples.js';
import { FITS_REQUEST_EXAMPLE } from './fits/examples.js';
import { BATCH_REQUEST_EXAMPLE, PLAN_REQUEST_EXAMPLE } from './plans/examples.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_EXAMPLES, STORAGE_UNAVAILABLE_RESPONSE } from './problem.js';
import { RECORDED_PLAN_EXAMPLE } from './recordedPlans.js';
import { TARGET_REQUEST_EXAMPLE } from './targets/examples.js';

/** The example request body of each operation that takes one. */
const REQUEST_EXAMPLES: Readonly<Record<string, unknown>> = {
  createPlan: PLAN_REQUEST_EXAMPLE,
  createPlans: BATCH_REQUEST_EXAMPLE,
  budgetForTarget: TARGET_REQUEST_EXAMPLE,
  fitRuns: FITS_REQUEST_EXAMPLE,
};

/** Examples of the answers other than 200 whose schema is a named component (which carries none of its own). */
const OTHER_RESPONSE_EXAMPLES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  createPlan: { '201': RECORDED_PLAN_EXAMPLE.plan },
};

type Json = Record<string, unknown>;

const REF_PREFIX = '#/components/schemas/';

function refsIn(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) refsIn(item, into);
  else if (typeof value === 'object' && value !== null)
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(REF_PREFIX))
        into.add(child.slice(REF_PREFIX.length));
      else refsIn(child, into);
    }
}

function renameRefs(value: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => renameRefs(item, renames));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(REF_PREFIX)) {
        const name = child.slice(REF_PREFIX.length);
        return [key, `${REF_PREFIX}${renames.get(name) ?? name}`];
      }
      return [key, renameRefs(child, renames)];
    }),
  );
}

/** Two schemas alike but for references to request-side ("...Input") components. */
function sameUpToInputRefs(a: unknown, b: unknown): boolean {
  const plain = (schema: unknown) =>
    JSON.stringify(schema).replace(/("#\/components\/schemas\/\w+?)Input"/g, '$1"');
  return plain(a) === plain(b);
}

/** Component names reachable from the paths, following references between components. */
function reachable(paths: unknown, schemas: Json): Set<string> {
  const seen = new Set<string>();
  const queue = new Set<string>();
  refsIn(paths, queue);
  while (queue.size > 0) {
    const [name] = queue as Set<string> & Iterable<string>;
    queue.delete(name as string);
    if (seen.has(name as string)) continue;
    seen.add(name as string);
    const next = new Set<string>();
    refsIn(schemas[name as string], next);
    for (const n of next) if (!seen.has(n)) queue.add(n);
  }
  return seen;
}

function storageUnavailable(response: { content?: Record<string, Json> }): Json {
  const problem = response.content?.[PROBLEM_CONTENT_TYPE];
  return {
    description: STORAGE_UNAVAILABLE_RESPONSE.description,
    headers: {
      'Retry-After': {
        description: STORAGE_UNAVAILABLE_RESPONSE.retryAfterDescription,
        schema: { type: 'integer', minimum: 1 },
      },
    },
    ...(problem && {
      content: {
        ...response.content,
        [PROBLEM_CONTENT_TYPE]: { ...problem, example: STORAGE_UNAVAILABLE_RESPONSE.example },
      },
    }),
  };
}

function withExamples(paths: Json): Json {
  const result: Json = {};
  for (const [path, item] of Object.entries(paths)) {
    const operations: Json = {};
    for (const [method, value] of Object.entries(item as Json)) {
      const operation = structuredClone(value) as Json & {
        operationId?: string;
        security?: unknown[];
        requestBody?: { content?: Record<string, Json> };
        responses?: Record<string, { content?: Record<string, Json> }>;
      };
      const id = operation.operationId;
      const body = operation.requestBody?.content?.['application/json'];
      if (id !== undefined && body !== undefined && REQUEST_EXAMPLES[id] !== undefined)
        body.example = REQUEST_EXAMPLES[id];
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        const [stored] = id === undefined ? [] : responseExamples(id);
        if (status === '200' && json !== undefined && stored !== undefined) json.example = stored;
        const other = id === undefined ? undefined : OTHER_RESPONSE_EXAMPLES[id]?.[status];
        if (json !== undefined && other !== undefined) json.example = other;
        const problem = response.content?.[PROBLEM_CONTENT_TYPE];
        const example =
          PROBLEM_EXAMPLES[Number(status) as keyof typeof PROBLEM_EXAMPLES] ??
          ACCESS_PROBLEM_EXAMPLES[Number(status) as keyof typeof ACCESS_PROBLEM_EXAMPLES];
        if (problem !== undefined && example !== undefined) problem.example = example;
      }
      const unavailable = operation.responses?.['503'];
      if (operation.security !== undefined && unavailable !== undefined)
        Object.assign(unavailable, storageUnavailable(unavailable));
      operations[method] = operation;
    }
    result[path] = operations;
  }
  return result;
}

/** GET /metrics: Prometheus text, served by its own listener on METRICS_PORT (off unless set), never on this one. */
const METRICS_PATH = {
  servers: [
    {
      url: 'http://{host}:{metricsPort}',
      description:
        'The metrics listener: a second port (METRICS_PORT, off unless set), kept off the API port so a scrape ' +
        'is never rate-limited or shed and the metrics are not public.',
      variables: {
        host: { default: 'localhost', description: 'The pod or host the API runs on.' },
        metricsPort: {
          default: '9091',
          description:
            'The value of METRICS_PORT (no default: metrics are off unless it is set; 9091 is an example).',
        },
      },
    },
  ],
  get: {
    operationId: 'getMetrics',
    summary: 'Prometheus metrics (on METRICS_PORT only)',
    description:
      'Request counts and latencies by route and status, event-loop delay, heap, the worker pool and shed load, in ' +
      'the Prometheus text format (fastify-metrics). Served only on METRICS_PORT; this path answers 404 on the API ' +
      'port.',
    tags: ['operations'],
    responses: {
      '200': {
        description: 'The metrics, in the Prometheus text exposition format 0.0.4.',
        content: {
          'text/plain': { schema: { type: 'string' }, example: 'http_request_duration_seconds_count 42\n' },
        },
      },
    },
  },
};

export function finishDocument<Document extends object>(document: Document): Document {
  const doc = document as Json & { paths?: Json; components?: Json & { schemas?: Json } };
  const schemas = doc.components?.schemas ?? {};
  const used = reachable(doc.paths, schemas);
  const renames = new Map<string, string>();
  // A request-side component takes the plain name when no response uses it, or when the response side is the same.
  for (const name of used) {
    if (!name.endsWith('Input')) continue;
    const plain = name.slice(0, -'Input'.length);
    if (!used.has(plain) || sameUpToInputRefs(schemas[plain], schemas[name])) renames.set(name, plain);
  }
  const finished: Json = {};
  for (const name of [...used].sort()) {
    const finalName = renames.get(name) ?? name;
    if (!(finalName in finished)) finished[finalName] = renameRefs(schemas[name], renames);
  }
  return {
    ...doc,
    paths: { ...withExamples(renameRefs(doc.paths ?? {}, renames) as Json), '/metrics': METRICS_PATH },
    components: { ...doc.components, schemas: finished },
  } as unknown as Document;
}
