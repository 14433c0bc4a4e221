/**
 * The readiness probe's cached check. Oracle: counting the checks actually run against an injected clock: one per
 * period however many callers, shared while it runs, and a check that never settles counts as failed.
 */
import { describe, expect, it } from 'vitest';
import { cachedCheck } from '../../src/http/cachedCheck.js';

describe('cachedCheck', () => {
  it('runs the check at most once per period and shares its answer', async () => {
    let nowMs = 0;
    let runs = 0;
    let healthy = true;
    const check = cachedCheck(
      async () => {
        runs += 1;
        if (!healthy) throw new Error('down');
      },
      { ttlMs: 1_000, timeoutMs: 500, nowMs: () => nowMs },
    );
    expect(await Promise.all(Array.from({ length: 20 }, () => check()))).toEqual(Array(20).fill(true));
    expect(runs).toBe(1);
    healthy = false;
    nowMs = 999;
    expect(await check()).toBe(true);
    expect(runs).toBe(1);
    nowMs = 1_000;
    expect(await check()).toBe(false);
    expect(await check()).toBe(false);
    expect(runs).toBe(2);
    healthy = true;
    nowMs = 2_500;
    expect(await check()).toBe(true);
    expect(runs).toBe(3);
  });

  it('counts a check that does not settle within the timeout as failed', async () => {
    const check = cachedCheck(() => new Promise(() => {}), { ttlMs: 1_000, timeoutMs: 20, nowMs: () => 0 });
    expect(await check()).toBe(false);
  });
});
