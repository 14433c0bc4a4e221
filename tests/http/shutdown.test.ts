/**
 * Graceful shutdown of a real server process. Oracle: the rule that in-flight requests finish on SIGTERM, and
 * readiness reads "closing" while they do; the process then exits 0 and stops accepting connections.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

async function startServer(): Promise<number> {
  child = spawn(process.execPath, ['--import', 'tsx', 'tests/http/fixtures/slowServer.ts'], {
    stdio: 'pipe',
  });
  let output = '';
  for await (const chunk of child.stdout) {
    output += String(chunk);
    if (output.includes('\n')) break;
  }
  return (JSON.parse(output.split('\n')[0] as string) as { port: number }).port;
}

/** Listening comes before ready: the load sampler waits for a sample after start-up's own lag. */
async function untilReady(base: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await fetch(`${base}/readyz`)).status === 200) return;
    await sleep(50);
  }
  throw new Error('never ready');
}

describe('graceful shutdown', () => {
  it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const port = await startServer();
    const base = `http://127.0.0.1:${port}`;
    await untilReady(base);

    const inFlight = fetch(`${base}/test/slow`).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as { completed: boolean; readinessAtEnd: string },
    }));
    await sleep(150);
    const exited = once(child as ChildProcessWithoutNullStreams, 'exit');
    child?.kill('SIGTERM');

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ completed: true, readinessAtEnd: 'closing' });
    const [code] = await exited;
    expect(code).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
