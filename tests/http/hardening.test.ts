/**
 * Hardening against clients and load: load shedding, CORS, the content security policy and socket timeouts.
 * Oracles: the behaviour each mechanism is documented to have (@fastify/under-pressure: 503 with Retry-After while the
 * event loop lags; the Fetch standard's CORS headers; CSP directives as the W3C spec names them; Node's http server
 * closing a socket left idle mid-request), checked on the wire, not by reading the app's own configuration back.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { PROBLEM_TYPES } from '../../src/api/problem.js';
import { buildTestApp, expectProblem } from './helpers.js';

const PLAN_BODY = { budget: { amount: 5000, unit: 'tpu_v4_core_hours' } };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Blocks the event loop, as a burst of CPU-bound requests would. */
function blockEventLoop(milliseconds: number): void {
  const until = performance.now() + milliseconds;
  while (performance.now() < until) {
    // busy
  }
}

describe('load shedding', () => {
  it('answers 503 problem+json with Retry-After while the event loop lags; liveness still 200, readiness already 503', async () => {
    app = await buildTestApp({
      // Sampled every 100 ms: a window of a few event-loop delay samples (10 ms resolution), never an empty one.
      UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '200',
      UNDER_PRESSURE_SAMPLE_INTERVAL_MS: '100',
      UNDER_PRESSURE_RETRY_AFTER_S: '7',
    });
    await app.ready();
    const served = app;
    // Start-up (compiling schemas) lags the loop too: /readyz says 200 once the sampler has seen it idle.
    const servedOnceIdle = async () => {
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
        await sleep(50);
        if ((await served.inject({ url: '/readyz' })).statusCode !== 200) continue;
        status = (await served.inject({ method: 'POST', url: '/v1/plans', payload: PLAN_BODY })).statusCode;
      }
      return status;
    };
    expect(await servedOnceIdle()).toBe(200);

    // The lag is sampled on a timer, so block, let the sampler run once, then ask; retried in case a sample was missed.
    let shed: Awaited<ReturnType<FastifyInstance['inject']>> | undefined;
    let liveness: Awaited<ReturnType<FastifyInstance['inject']>> | undefined;
    let readiness: Awaited<ReturnType<FastifyInstance['inject']>> | undefined;
    for (let attempt = 0; attempt < 10 && shed?.statusCode !== 503; attempt++) {
      blockEventLoop(600);
      await sleep(0);
      [shed, liveness, readiness] = await Promise.all([
        served.inject({ method: 'POST', url: '/v1/plans', payload: PLAN_BODY }),
        served.inject({ url: '/healthz' }),
        served.inject({ url: '/readyz' }),
      ]);
    }
    if (shed === undefined || liveness === undefined || readiness === undefined)
      throw new Error('no attempt ran');
    const problem = expectProblem(shed, 503);
    expect(problem.type).toBe(PROBLEM_TYPES.overloaded);
    expect(shed.headers['retry-after']).toBe('7');
    expect(liveness.statusCode).toBe(200);
    // Readiness turns 503 a step before plans are shed, so the pod is out of the Service while it sheds.
    expectProblem(readiness, 503);

    // Once the loop is idle again the next samples are small and traffic is served.
    expect(await servedOnceIdle()).toBe(200);
  });

  it('is off when the limit is 0', async () => {
    app = await buildTestApp({
      UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      UNDER_PRESSURE_SAMPLE_INTERVAL_MS: '10',
    });
    await app.ready();
    blockEventLoop(300);
    await sleep(30);
    expect((await app.inject({ method: 'POST', url: '/v1/plans', payload: PLAN_BODY })).statusCode).toBe(200);
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://planner.example';

  it('is off by default: no Access-Control-Allow-Origin, and a preflight is not answered as one', async () => {
    app = await buildTestApp();
    const simple = await app.inject({ url: '/v1/models', headers: { origin: ORIGIN } });
    expect(simple.statusCode).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/plans',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('allows only the listed origins, with a preflight for JSON POSTs', async () => {
    app = await buildTestApp({ CORS_ORIGINS: `${ORIGIN},https://other.example` });
    const allowed = await app.inject({ url: '/v1/models', headers: { origin: ORIGIN } });
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('x-request-id');

    const stranger = await app.inject({ url: '/v1/models', headers: { origin: 'https://evil.example' } });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/plans',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
  });

  it('allows any origin with *', async () => {
    app = await buildTestApp({ CORS_ORIGINS: '*' });
    const response = await app.inject({ url: '/v1/models', headers: { origin: ORIGIN } });
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });
});

/** A CSP header as a map from directive name to its sources. */
function directives(header: unknown): Map<string, string[]> {
  return new Map(
    String(header)
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [String(name), sources]),
  );
}

describe('content security policy', () => {
  it('lets API responses load nothing', async () => {
    app = await buildTestApp();
    for (const url of ['/v1/models', '/v1/charts/frontier.svg', '/v1/nope']) {
      const csp = directives((await app.inject({ url })).headers['content-security-policy']);
      expect(csp.get('default-src'), url).toEqual(["'none'"]);
    }
  });

  it('lets Swagger UI load its own scripts and call this origin, and nothing from elsewhere', async () => {
    app = await buildTestApp();
    const page = await app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    const csp = directives(page.headers['content-security-policy']);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    // Swagger UI's page loads its scripts from files (no inline script), so 'self' is enough for it to run.
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(page.body).toMatch(/<script src="[^"]*swagger-ui-bundle\.js"/);
  });
});

describe('socket timeouts', () => {
  it('closes a connection that stops sending halfway through its headers (slow client)', async () => {
    app = await buildTestApp({ CONNECTION_TIMEOUT_MS: '200' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /v1/plans HTTP/1.1\r\nHost: localhost\r\nContent-Type: appl');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const outcome = await Promise.race([closed.then(() => 'closed'), sleep(5_000).then(() => 'still open')]);
    socket.destroy();
    expect(outcome).toBe('closed');
  });

  it('applies the configured timeouts to the listening server', async () => {
    app = await buildTestApp({
      REQUEST_TIMEOUT_MS: '20000',
      HEADERS_TIMEOUT_MS: '5000',
      CONNECTION_TIMEOUT_MS: '90000',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    expect(app.server.requestTimeout).toBe(20_000);
    expect(app.server.headersTimeout).toBe(5_000);
    expect(app.server.timeout).toBe(90_000);
    expect(app.server.keepAliveTimeout).toBe(65_000);
  });
});

describe('security headers', () => {
  it("carry helmet's documented defaults on successes and on errors alike", async () => {
    app = await buildTestApp();
    const responses = [
      await app.inject({ url: '/v1/models' }),
      await app.inject({ method: 'POST', url: '/v1/plans', payload: { budget: { amount: -1 } } }),
      await app.inject({ url: '/v1/nope' }),
    ];
    for (const response of responses) {
      // helmet 8's README: the headers it sets by default, with these values.
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });
});
