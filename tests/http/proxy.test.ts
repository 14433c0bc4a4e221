/**
 * The rate limit behind the deployed proxy setting, over real HTTP. Oracle: the issue's attack, where a client sends
 * `X-Forwarded-For: 10.9.9.$i, ...` to get a bucket of its own per request; with the manifests' TRUST_PROXY it must
 * get exactly RATE_LIMIT_MAX answers per window, whatever it puts in the header.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTestApp } from './helpers.js';

const deployment = parse(readFileSync('deploy/kubernetes/deployment.yaml', 'utf8'));
const env: { name: string; value: string }[] = deployment.spec.template.spec.containers[0].env;
const MANIFEST_TRUST_PROXY = env.find(({ name }) => name === 'TRUST_PROXY')?.value ?? 'false';
const MAX = 5;

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function statuses(forwardedFor: (i: number) => string): Promise<number[]> {
  app = await buildTestApp({
    TRUST_PROXY: MANIFEST_TRUST_PROXY,
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_MAX: String(MAX),
    RATE_LIMIT_WINDOW_MS: '60000',
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const answers: number[] = [];
  for (let i = 0; i < 4 * MAX; i++) {
    const response = await fetch(`${base}/v1/models`, { headers: { 'x-forwarded-for': forwardedFor(i) } });
    await response.arrayBuffer();
    answers.push(response.status);
  }
  return answers;
}

describe(`TRUST_PROXY=${MANIFEST_TRUST_PROXY} (the manifests' setting)`, () => {
  it.each([
    [
      'spoofed entries before the real client the ingress appended',
      (i: number) => `10.9.9.${i}, 203.0.113.7`,
    ],
    ['spoofed entries before the loopback peer', (i: number) => `10.9.9.${i}, 127.0.0.1`],
    ['a long spoofed chain', (i: number) => `10.9.${i}.1, 10.9.${i}.2, 10.9.${i}.3, 198.51.100.4`],
  ])('%s do not multiply the rate limit', async (_name, forwardedFor) => {
    const answers = await statuses(forwardedFor);
    expect(answers.filter((status) => status === 200)).toHaveLength(MAX);
    expect(answers.filter((status) => status === 429)).toHaveLength(3 * MAX);
  });
});
