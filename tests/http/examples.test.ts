/**
 * Examples that cannot go stale: every example request the served document holds is sent to a live app, and its
 * answer, abbreviated as the examples are (src/api/examples.ts: 5 significant digits, lists cut to their first 4
 * items), must equal the 200 example the document shows. The stored examples were written by an earlier run
 * (npm run openapi:write); this run is independent of it, so a change to what the API answers fails here until the
 * examples are regenerated.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleExchange, exampleExchanges } from '../../scripts/exampleExchanges.js';
import { abbreviateExample } from '../../src/api/examples.js';
import { buildTestApp } from './helpers.js';

let app: FastifyInstance;
let exchanges: ExampleExchange[];
beforeAll(async () => {
  app = await buildTestApp();
  await app.ready();
  exchanges = exampleExchanges(app.swagger() as Parameters<typeof exampleExchanges>[0]);
});
afterAll(async () => {
  await app.close();
});

/**
 * Operations whose example answers cannot be replayed: an operation's id and times are new on every request, and the
 * metrics live on another listener (METRICS_PORT).
 */
const NOT_REPLAYABLE = ['getOperation', 'cancelOperation', 'getMetrics'];

describe('the documented examples', () => {
  it('cover every operation that answers JSON, takes no path parameter and needs no key', () => {
    const document = app.swagger() as unknown as {
      paths: Record<string, Record<string, { operationId: string; security?: Record<string, string[]>[] }>>;
    };
    // An operation on a team's data needs a key and its rows: tests/http/profiles.test.ts and the client test call it.
    const needsKey = (security: Record<string, string[]>[] = []) =>
      security.length > 0 && !security.some((alternative) => Object.keys(alternative).length === 0);
    const all = Object.values(document.paths).flatMap((operations) =>
      Object.entries(operations)
        .filter(([key, operation]) => key !== 'servers' && !needsKey(operation.security))
        .map(([, operation]) => operation.operationId),
    );
    const replayed = exchanges.map((exchange) => exchange.operationId);
    const charts = ['getFrontierChart', 'getLearningRateChart'];
    expect([...replayed, ...NOT_REPLAYABLE, ...charts].sort()).toEqual([...all].sort());
    for (const exchange of exchanges) expect(exchange.documented, exchange.operationId).toBeDefined();
  });

  it('are what the API answers to the example requests, to the examples rounding', async () => {
    expect(exchanges.length).toBeGreaterThanOrEqual(12);
    for (const exchange of exchanges) {
      const response = await app.inject({
        method: exchange.method,
        url: exchange.url,
        ...(exchange.payload !== undefined && { payload: exchange.payload as object }),
      });
      expect(response.statusCode, `${exchange.operationId}: ${response.body.slice(0, 300)}`).toBe(200);
      expect(abbreviateExample(response.json()), exchange.operationId).toEqual(exchange.documented);
    }
  });

  it('abbreviate by significant digits and list length only', () => {
    expect(
      abbreviateExample({ a: 2.3456789, b: 1234567, c: [1, 2, 3, 4, 5, 6], d: 1.0077305152003641e22 }),
    ).toEqual({
      a: 2.3457,
      b: 1234567,
      c: [1, 2, 3, 4],
      d: 1.0077e22,
    });
  });
});
