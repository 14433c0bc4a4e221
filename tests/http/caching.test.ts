/**
 * Responses sized for the network, over real HTTP. Oracles: RFC 9110 conditional requests (a matching If-None-Match
 * is a 304 without a body; strong validators differ per content coding) and the codings themselves: node:zlib must
 * decode a gzip or br body to exactly the identity body.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers.js';

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  // Load shedding has its own tests (hardening.test.ts); here a noisy neighbour must not refuse the batch.
  app = await buildTestApp({ UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => app?.close());

/** The raw answer: status, headers and undecoded body bytes (fetch would decode them). */
function get(
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: payload === undefined ? 'GET' : 'POST',
        headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

describe('ETags', () => {
  it.each([
    '/v1/laws',
    '/v1/models',
    '/v1/dataset',
    '/v1/frontier',
    '/v1/charts/frontier.svg',
    '/openapi.json',
  ])(
    '%s carries a strong ETag and Cache-Control, and answers 304 to a matching If-None-Match',
    async (path) => {
      const first = await get(path);
      expect(first.status).toBe(200);
      const tag = first.headers.etag ?? '';
      expect(tag).toMatch(/^"[^"]+"$/);
      expect(first.headers['cache-control']).toBe('public, max-age=60');
      const again = await get(path);
      expect(again.headers.etag).toBe(tag);
      const revalidated = await get(path, { 'if-none-match': tag });
      expect(revalidated.status).toBe(304);
      expect(revalidated.body.length).toBe(0);
      expect((await get(path, { 'if-none-match': '"something-else"' })).status).toBe(200);
    },
  );

  it('is not put on computed answers', async () => {
    const plan = await get('/v1/plans', {}, { budget: { amount: 5000, unit: 'tpu_v4_core_hours' } });
    expect(plan.status).toBe(200);
    expect(plan.headers.etag).toBeUndefined();
  });
});

describe('compression', () => {
  const batch = {
    items: Array.from({ length: 200 }, (_, i) => ({
      budget: { amount: 1_000 + 37 * i, unit: 'tpu_v4_core_hours' },
    })),
  };

  it.each([
    ['gzip', gunzipSync],
    ['br', brotliDecompressSync],
  ] as const)(
    '%s decodes to the same bytes as the identity answer, on a batch and on the laws',
    async (coding, decode) => {
      for (const [path, body] of [
        ['/v1/plans/batch', batch],
        ['/v1/laws', undefined],
      ] as const) {
        const identity = await get(path, {}, body);
        expect(identity.headers['content-encoding']).toBeUndefined();
        const encoded = await get(path, { 'accept-encoding': coding }, body);
        expect(encoded.status).toBe(200);
        expect(encoded.headers['content-encoding']).toBe(coding);
        expect(encoded.headers.vary).toMatch(/accept-encoding/i);
        expect(encoded.body.length).toBeLessThan(identity.body.length / 3);
        expect(decode(encoded.body).equals(identity.body)).toBe(true);
      }
    },
  );

  it('gives a compressed representation its own strong tag, which also revalidates', async () => {
    const identity = await get('/v1/laws');
    const gzip = await get('/v1/laws', { 'accept-encoding': 'gzip' });
    expect(gzip.headers.etag).toBe(`${(identity.headers.etag ?? '').slice(0, -1)}-gzip"`);
    const revalidated = await get('/v1/laws', {
      'accept-encoding': 'gzip',
      'if-none-match': gzip.headers.etag ?? '',
    });
    expect(revalidated.status).toBe(304);
  });

  it("answers a compressed representation's 304 with the tag and Vary its 200 carries", async () => {
    // RFC 9110 section 15.4.5: a 304 carries the ETag and Vary the 200 to the same request would have.
    for (const coding of ['gzip', 'br']) {
      const full = await get('/v1/charts/frontier.svg?budget=20000', { 'accept-encoding': coding });
      expect(full.headers['content-encoding']).toBe(coding);
      const revalidated = await get('/v1/charts/frontier.svg?budget=20000', {
        'accept-encoding': coding,
        'if-none-match': full.headers.etag ?? '',
      });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.etag).toBe(full.headers.etag);
      expect(revalidated.headers.vary).toBe(full.headers.vary);
    }
    const identity = await get('/v1/charts/frontier.svg?budget=20000');
    const plain = await get('/v1/charts/frontier.svg?budget=20000', {
      'if-none-match': identity.headers.etag ?? '',
    });
    expect(plain.status).toBe(304);
    expect(plain.headers.etag).toBe(identity.headers.etag);
    expect(plain.headers.vary).toBeUndefined();
  });

  it('takes a list of tags or "*" in If-None-Match (RFC 9110 section 13.1.2)', async () => {
    const tag = (await get('/v1/laws')).headers.etag ?? '';
    for (const condition of [`"a", ${tag}`, `"a",${tag} , "b"`, `W/"a", W/${tag}`, '*', ` * `]) {
      const answer = await get('/v1/laws', { 'if-none-match': condition });
      expect(answer.status, condition).toBe(304);
      expect(answer.body.length).toBe(0);
    }
    for (const condition of ['"a", "b"', '', tag.slice(1, -1)])
      expect((await get('/v1/laws', { 'if-none-match': condition })).status, condition).toBe(200);
  });

  it('leaves small answers alone', async () => {
    const small = await get('/healthz', { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});
