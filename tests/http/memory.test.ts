/**
 * Bounded memory under what a hostile client can send, against the server as a process (its RSS, worker threads
 * included, read from /proc). Oracle: the pod's memory limit in deploy/kubernetes (512 Mi, the default
 * MEMORY_LIMIT_MIB) must never be reached; every request gets an answer (200, or 503 with Retry-After), never an error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LIMIT_BYTES = 512 * 1024 * 1024;
const BATCH = JSON.stringify({
  items: Array.from({ length: 1_000 }, (_, i) => ({
    budget: { amount: 1_000 + 13 * i, unit: 'tpu_v4_core_hours' },
  })),
});

let server: ChildProcess;
let port: number;
let base: string;
let peakRssBytes = 0;
let sampler: NodeJS.Timeout;

function rssBytes(): number {
  const match = readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(match?.[1] ?? 0) * 1024;
}

beforeAll(async () => {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  port = (probe.address() as { port: number }).port;
  probe.close();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_ENABLED: 'false',
    },
    stdio: 'ignore',
  });
  for (
    let attempt = 0;
    !(await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    ));
    attempt++
  ) {
    if (attempt > 300) throw new Error('the server never became ready');
    await sleep(100);
  }
  console.log(`RSS once ready: ${(rssBytes() / 1024 / 1024).toFixed(0)} MiB`);
  sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, rssBytes());
  }, 50);
}, 60_000);

afterAll(async () => {
  clearInterval(sampler);
  server.kill('SIGKILL');
  await once(server, 'exit');
});

describe('memory stays under the pod limit', () => {
  it('64 concurrent 1,000-item batches: each answered 200 or 503 with Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 64 }, async () => {
        const response = await fetch(`${base}/v1/plans/batch`, {
          method: 'POST',
          body: BATCH,
          headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' },
        });
        const body = await response.text();
        if (response.status === 503) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        else expect(JSON.parse(body).succeeded).toBe(1_000);
        return response.status;
      }),
    );
    expect(answers.every((status) => status === 200 || status === 503)).toBe(true);
    expect(answers.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(peakRssBytes).toBeLessThan(LIMIT_BYTES);
    console.log(`peak RSS under 64 batches ${(peakRssBytes / 1024 / 1024).toFixed(0)} MiB`);
  }, 120_000);

  // Each answer is one buffer (the bytes its worker wrote, moved to the event loop), held by its socket until the
  // send timeout cuts the connection; past the response-bytes budget new heavy work is refused.
  it('100 clients that send a batch and never read the answer', async () => {
    const sockets: Socket[] = [];
    for (let i = 0; i < 100; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(
        `POST /v1/plans/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BATCH)}\r\n\r\n${BATCH}`,
      );
      // Never read: the answer piles up in the server's socket buffers unless it bounds them.
      socket.pause();
      sockets.push(socket);
    }
    await sleep(8_000);
    // Still alive and serving while they hang on.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    for (const socket of sockets) socket.destroy();
    expect(peakRssBytes).toBeLessThan(LIMIT_BYTES);
    console.log(
      `peak RSS ${(peakRssBytes / 1024 / 1024).toFixed(0)} MiB of ${LIMIT_BYTES / 1024 / 1024} MiB`,
    );
  }, 60_000);
});
