/**
 * SIGTERM to `npm start` (the production build, as the Dockerfile's users and the issue run it) while a fit runs on
 * a worker thread, and to `npx scaleplan serve`. Oracle: the rule that the process exits within SHUTDOWN_GRACE_MS
 * and leaves no process behind, checked by pid (npm's, and every process it started, the node server among them).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../../src/core/dataset/figures.js';

const GRACE_MS = 3_000;
/** Process start and exit on a loaded 2-core machine: the tolerance on top of the grace. */
const TOLERANCE_MS = 1_500;

let npm: ChildProcess | undefined;
afterEach(() => {
  if (npm?.exitCode === null) npm.kill('SIGKILL');
});

beforeAll(() => {
  // `npm start` runs dist/; build it from the sources under test (tsc emits even past a type error elsewhere).
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
      stdio: 'ignore',
    });
    // As `npm run build` does: npx runs the bin directly.
    chmodSync('dist/cli/main.js', 0o755);
  } catch {
    if (!existsSync('dist/workers/heavyWork.js')) throw new Error('the build did not produce dist/');
  }
}, 120_000);

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids a process started (Linux /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Every process below `pid` (children, theirs, ...). */
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

async function waitReady(base: string, what: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    if (attempt > 300) throw new Error(`${what} never became ready`);
    await sleep(100);
  }
}

describe('SIGTERM to npm start', () => {
  it('during a fit: exits within the grace period and leaves no server process behind', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    npm = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
      },
      stdio: 'ignore',
    });
    const npmPid = npm.pid as number;
    await waitReady(base, 'npm start');
    const serverPids = childrenOf(npmPid);
    expect(serverPids.length).toBeGreaterThan(0);

    // About 4 s of one core on the worker thread, longer than the grace.
    const runs = FIGURE2_JFT_VALIDATION_LOSS.map((p) => ({
      model: p.model,
      epochs: p.epochs,
      loss: p.jftValidationLoss,
    }));
    const accepted = await fetch(`${base}/v1/fits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ runs, bootstrap: { samples: 10_000, seed: 3 } }),
    });
    expect(accepted.status).toBe(202);
    await sleep(300);

    const exited = once(npm, 'exit');
    const signalledAt = performance.now();
    npm.kill('SIGTERM');
    await exited;
    const until = signalledAt + GRACE_MS + TOLERANCE_MS;
    while (serverPids.some(alive) && performance.now() < until) await sleep(50);
    expect(performance.now() - signalledAt).toBeLessThan(GRACE_MS + TOLERANCE_MS);
    expect(serverPids.filter(alive)).toEqual([]);
    expect(alive(npmPid)).toBe(false);
  }, 60_000);
});

describe('SIGTERM to npx scaleplan serve', () => {
  // npm runs the command in a shell (sh -c), which exits on the SIGTERM npm passes it without passing it on.
  it('stops the server npx started, within the grace period', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    npm = spawn('npx', ['--no-install', 'scaleplan', 'serve'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        DATA_DIR: ':memory:',
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
      },
      stdio: 'ignore',
    });
    const npmPid = npm.pid as number;
    await waitReady(base, 'npx scaleplan serve');
    const started = descendantsOf(npmPid);
    // npm, the shell, the CLI's node (which is the server: `serve` imports it).
    expect(started.length).toBeGreaterThan(0);

    const exited = once(npm, 'exit');
    const signalledAt = performance.now();
    npm.kill('SIGTERM');
    await exited;
    const until = signalledAt + GRACE_MS + TOLERANCE_MS;
    while (started.some(alive) && performance.now() < until) await sleep(50);
    expect(started.filter(alive)).toEqual([]);
    expect(performance.now() - signalledAt).toBeLessThan(GRACE_MS + TOLERANCE_MS);
    expect(
      await fetch(`${base}/healthz`).then(
        () => 'answered',
        () => 'refused',
      ),
    ).toBe('refused');
  }, 60_000);
});
