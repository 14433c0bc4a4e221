/**
 * The service around the routes: request ids, logs, probes, metrics and docs. Oracles: the contract (id echoed
 * in x-request-id, one summary log line per request, /readyz 503 until ready and while closing, Prometheus text at
 * /metrics, Swagger UI at /docs) and the Prometheus text exposition format.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { listenMetrics } from '../../src/http/metricsServer.js';
import { MAX_REQUEST_ID_LENGTH } from '../../src/http/requestId.js';
import { buildTestApp, expectProblem } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let app: FastifyInstance;
afterEach(async () => app?.close());

describe('request ids', () => {
  it('generates a UUID per request and echoes it', async () => {
    app = await buildTestApp();
    const first = await app.inject({ url: '/healthz' });
    const second = await app.inject({ url: '/healthz' });
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('honours a plain incoming x-request-id, also on errors', async () => {
    app = await buildTestApp();
    const response = await app.inject({ url: '/nowhere', headers: { 'x-request-id': 'trace-42:a.b_c' } });
    expect(response.headers['x-request-id']).toBe('trace-42:a.b_c');
    expect(expectProblem(response, 404).instance).toBe('trace-42:a.b_c');
  });

  it.each([
    ['too long', 'a'.repeat(MAX_REQUEST_ID_LENGTH + 1)],
    ['with a space', 'a b'],
    ['with a log-injection newline', 'a\nlevel=error'],
    ['with a quote', 'a"b'],
  ])('replaces an incoming id %s', async (_name, incoming) => {
    app = await buildTestApp();
    const response = await app.inject({ url: '/healthz', headers: { 'x-request-id': incoming } });
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('accepts an id of exactly the maximum length', async () => {
    app = await buildTestApp();
    const incoming = 'a'.repeat(MAX_REQUEST_ID_LENGTH);
    expect(
      (await app.inject({ url: '/healthz', headers: { 'x-request-id': incoming } })).headers['x-request-id'],
    ).toBe(incoming);
  });
});

describe('logs', () => {
  it('writes one JSON summary line per request, carrying the request id', async () => {
    const lines: string[] = [];
    app = await buildTestApp({ LOG_LEVEL: 'info' }, { write: (line) => lines.push(line) });
    await app.ready();
    lines.length = 0;
    await app.inject({ url: '/v1/dataset', headers: { 'x-request-id': 'log-test-1' } });
    await app.inject({ url: '/v1/dataset?bad=1', headers: { 'x-request-id': 'log-test-2' } });
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toHaveLength(2);
    expect(entries.map((entry) => entry.requestId)).toEqual(['log-test-1', 'log-test-2']);
    expect(entries.map((entry) => entry.statusCode)).toEqual([200, 400]);
    expect(entries[0]).toMatchObject({ method: 'GET', url: '/v1/dataset', msg: 'request completed' });
  });

  it('logs a 500 with its error and the request id', async () => {
    const lines: string[] = [];
    app = await buildTestApp({ LOG_LEVEL: 'info' }, { write: (line) => lines.push(line) });
    app.get('/test/crash', async () => {
      throw new Error('boom');
    });
    await app.ready();
    lines.length = 0;
    await app.inject({ url: '/test/crash', headers: { 'x-request-id': 'crash-1' } });
    const entries = lines.map(
      (line) => JSON.parse(line) as { requestId?: string; err?: { message: string } },
    );
    expect(entries.every((entry) => entry.requestId === 'crash-1')).toBe(true);
    expect(entries.some((entry) => entry.err?.message === 'boom')).toBe(true);
  });
});

describe('probes', () => {
  it('/healthz is 200 even while a start-up task is pending', async () => {
    app = await buildTestApp();
    app.readiness.waitFor('laws');
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 503 until every start-up task is done, then 200, then 503 while closing', async () => {
    app = await buildTestApp();
    const cacheWarmed = app.readiness.waitFor('cache');
    let stateWhileClosing: string | undefined;
    app.addHook('onClose', async (instance) => {
      stateWhileClosing = instance.readiness.state;
    });
    const waiting = expectProblem(await app.inject({ url: '/readyz' }), 503);
    expect(waiting.detail).toContain('cache');
    cacheWarmed();
    // The load sampler's own start-up task clears once a sample after boot shows an idle loop.
    while (app.readiness.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    expect(app.readiness.state).toBe('ready');
    await app.close();
    expect(stateWhileClosing).toBe('closing');
  });

  it('is not ready before boot completes', async () => {
    app = await buildTestApp();
    expect(app.readiness.state).toBe('starting');
    // The planner's laws are fitted in onReady, after boot.
    expect(app.readiness.pending).toEqual(['boot', 'laws', 'ensemble', 'load-settled']);
    await app.ready();
    expect(app.readiness.state).toBe('ready');
  });
});

describe('metrics', () => {
  it('serves Prometheus text on its own port, with a sub-millisecond request histogram labelled by route', async () => {
    app = await buildTestApp();
    await app.inject({ url: '/v1/dataset' });
    const server = await listenMetrics(app, 0, '127.0.0.1');
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    server.close();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(body).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.0001",method="GET",route="\/v1\/dataset",status_code="200"\} \d+/,
    );
    expect(body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/dataset",status_code="200"\} 1\n/,
    );
    expect(body).toContain('process_cpu_user_seconds_total');
    // The summary is registered by fastify-metrics but, disabled, never observes.
    expect(body).not.toMatch(/^http_request_summary_seconds\{/m);
  });

  it('is not on the API port: process figures are for the operator, not the public', async () => {
    app = await buildTestApp();
    expectProblem(await app.inject({ url: '/metrics' }), 404);
  });
});

describe('docs', () => {
  it('serves Swagger UI at /docs and the document at /openapi.json', async () => {
    app = await buildTestApp();
    const ui = await app.inject({ url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/^text\/html/);
    expect(ui.body).toContain('swagger-ui');
    const document = await app.inject({ url: '/openapi.json' });
    expect(document.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'scaleplan' } });
  });

  it('DOCS_ENABLED=false removes both routes', async () => {
    app = await buildTestApp({ DOCS_ENABLED: 'false' });
    expectProblem(await app.inject({ url: '/docs' }), 404);
    expectProblem(await app.inject({ url: '/openapi.json' }), 404);
  });
});

describe('security headers', () => {
  it('sets nosniff and frame options on API responses', async () => {
    app = await buildTestApp();
    const response = await app.inject({ url: '/v1/dataset' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
