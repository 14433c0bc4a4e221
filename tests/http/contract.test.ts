/**
 * Every answer in the contract, over real HTTP: errors raised below the routes (Node's parser and timeouts, Fastify's
 * URL decoding) are RFC 9457 problems with the security headers and a request id; validation answers stay small;
 * a missing static file is a 404; the documented timeouts hold within the issue's tolerance (2 s).
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LISTED_ISSUES, ProblemSchema } from '../../src/api/problem.js';
import { buildTestApp, expectProblem } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(env: Record<string, string> = {}): Promise<number> {
  app = await buildTestApp(env);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

/** Sends raw bytes and collects everything the server writes until it closes the socket. */
async function raw(port: number, bytes: string, keepWriting?: (socket: Socket) => void) {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const started = performance.now();
  let received = '';
  socket.on('data', (chunk) => {
    received += String(chunk);
  });
  socket.on('error', () => {});
  socket.write(bytes);
  keepWriting?.(socket);
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { received, closedAfterMs: performance.now() - started };
}

/** Status, headers and JSON body of a raw HTTP/1.1 answer. */
function parse(received: string) {
  const [head = '', body = ''] = received.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined };
}

function expectContractHeaders(headers: Record<string, string | undefined>) {
  expect(headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['content-security-policy']).toContain("default-src 'none'");
  expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
}

describe('errors below the routes', () => {
  it.each([
    ['a URL that does not decode', 'GET /v1/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 400],
    ['a malformed request line', 'GET /v1 HTTP/9\r\n\r\n', 400],
    [
      'headers over the size limit',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
  ])(
    '%s is a problem+json (status %s) with the security headers and a request id',
    async (_name, request, status) => {
      const port = await serve();
      const { received } = await raw(port, request);
      const answer = parse(received);
      expect(answer.status).toBe(status);
      expectContractHeaders(answer.headers);
      const problem = ProblemSchema.parse(answer.body);
      expect(problem.status).toBe(status);
      expect(problem.instance).toBe(answer.headers['x-request-id']);
    },
  );

  it('a 1 MiB body of unknown keys gets a bounded answer listing a bounded number of issues', async () => {
    app = await buildTestApp();
    const body: Record<string, number> = { budget: 1 } as never;
    for (let i = 0; i < 25_000; i++) body[`unknown_key_${i}_${'x'.repeat(8)}`] = i;
    const response = await app.inject({ method: 'POST', url: '/v1/plans', payload: body });
    const problem = expectProblem(response, 400);
    expect(problem.errors?.length).toBeLessThanOrEqual(MAX_LISTED_ISSUES);
    expect(problem.detail).toMatch(/more issues not listed/);
    expect(response.body.length).toBeLessThan(16 * 1024);
  });

  it('a path segment over 100 characters is a 400 that says so', async () => {
    app = await buildTestApp();
    for (const url of [`/v1/profiles/${'a'.repeat(101)}`, `/v1/operations/${'a'.repeat(101)}`]) {
      const problem = expectProblem(await app.inject({ url }), 400);
      expect(problem.detail).toMatch(/path segment is longer than 100 characters/);
    }
  });

  it('a missing Swagger UI file is a 404, not a 405', async () => {
    app = await buildTestApp();
    expectProblem(await app.inject({ url: '/docs/static/no-such-file.png' }), 404);
  });
});

describe('timeouts as documented', () => {
  it('cuts a slow-loris client within 2 s of HEADERS_TIMEOUT_MS, answering 408 problem+json', async () => {
    const headersTimeoutMs = 2_000;
    const port = await serve({ HEADERS_TIMEOUT_MS: String(headersTimeoutMs), REQUEST_TIMEOUT_MS: '30000' });
    let drip: NodeJS.Timeout | undefined;
    const { received, closedAfterMs } = await raw(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', (socket) => {
      // One header line every 500 ms: never idle (the connection timeout does not fire), never complete.
      let n = 0;
      drip = setInterval(() => socket.writable && socket.write(`X-Drip-${n++}: a\r\n`), 500);
    });
    clearInterval(drip);
    expect(closedAfterMs).toBeGreaterThanOrEqual(headersTimeoutMs - 100);
    expect(closedAfterMs).toBeLessThan(headersTimeoutMs + 2_000);
    const answer = parse(received);
    expect(answer.status).toBe(408);
    expectContractHeaders(answer.headers);
  });

  it('cuts a slow body within 2 s of REQUEST_TIMEOUT_MS', async () => {
    const requestTimeoutMs = 3_000;
    const port = await serve({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: String(requestTimeoutMs) });
    let drip: NodeJS.Timeout | undefined;
    const { closedAfterMs } = await raw(
      port,
      'POST /v1/plans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      (socket) => {
        drip = setInterval(() => socket.writable && socket.write(' '), 300);
      },
    );
    clearInterval(drip);
    expect(closedAfterMs).toBeGreaterThanOrEqual(requestTimeoutMs - 100);
    expect(closedAfterMs).toBeLessThan(requestTimeoutMs + 2_000);
    await sleep(0);
  });
});
