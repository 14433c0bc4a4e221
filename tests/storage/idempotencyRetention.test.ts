/**
 * Idempotency records expire. Oracle: the retention as configured (24 h by default, after the IETF httpapi
 * idempotency-key draft's examples) against an injected clock: an answer is replayed up to the retention and not a
 * millisecond past it, an expired key is new again (whatever body it comes with), and expired records are deleted by
 * the purge while live ones stay. On SQLite and PostgreSQL, each case on a database of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_IDEMPOTENCY_RETENTION_HOURS,
  IDEMPOTENCY_PURGE_CHUNK_ROWS,
  IDEMPOTENCY_PURGE_INTERVAL_MS,
  Store,
} from '../../src/storage/store.js';
import { DATABASE_CASES, freshDatabase } from './databases.js';

const HOUR_MS = 3_600_000;
const T0_MS = Date.parse('2026-03-01T12:00:00.000Z');
const ANSWER = { status: 201, headers: { location: '/v1/plans/recorded/1' }, body: '{"id":"1"}' };

describe.each(DATABASE_CASES)('idempotency retention on $dialect', ({ dialect, skip }) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  /** A store on a fresh database whose clock the test sets. */
  async function storeAt(options: { idempotencyRetentionHours?: number; purgeChunkRows?: number } = {}) {
    const fresh = await freshDatabase(dialect);
    cleanup = fresh.cleanup;
    const clock = { nowMs: T0_MS };
    const store = new Store(fresh.database, { ...options, nowMs: () => clock.nowMs });
    const team = await store.ensureTeam('vision');
    const keys = async () =>
      (await fresh.database.db.selectFrom('idempotency_keys').select('key').orderBy('key').execute()).map(
        (row) => row.key,
      );
    return { store, clock, team, keys };
  }

  it.skipIf(skip)('replays for 24 hours by default, then takes the key as new', async () => {
    expect(DEFAULT_IDEMPOTENCY_RETENTION_HOURS).toBe(24);
    const { store, clock, team } = await storeAt();
    expect(await store.claimIdempotencyKey(team, 'k', 'body-1')).toEqual({ state: 'claimed' });
    await store.completeIdempotencyKey(team, 'k', ANSWER);

    clock.nowMs = T0_MS + 24 * HOUR_MS;
    expect(await store.claimIdempotencyKey(team, 'k', 'body-1')).toEqual({ state: 'replay', ...ANSWER });
    expect(await store.claimIdempotencyKey(team, 'k', 'body-2')).toEqual({ state: 'mismatch' });

    // Past the retention (and before the next purge is due, so the claim itself finds the record expired).
    clock.nowMs = T0_MS + 24 * HOUR_MS + 1;
    expect(await store.claimIdempotencyKey(team, 'k', 'body-2')).toEqual({ state: 'claimed' });
    expect(await store.claimIdempotencyKey(team, 'k', 'body-2')).toEqual({ state: 'in_progress' });
  });

  it.skipIf(skip)('keeps the configured retention', async () => {
    const { store, clock, team } = await storeAt({ idempotencyRetentionHours: 1 });
    await store.claimIdempotencyKey(team, 'k', 'body');
    await store.completeIdempotencyKey(team, 'k', ANSWER);
    clock.nowMs = T0_MS + HOUR_MS;
    expect(await store.claimIdempotencyKey(team, 'k', 'body')).toEqual({ state: 'replay', ...ANSWER });
    clock.nowMs = T0_MS + HOUR_MS + 1;
    expect(await store.claimIdempotencyKey(team, 'k', 'body')).toEqual({ state: 'claimed' });
  });

  it.skipIf(skip)('purges expired records of every team on a claim, at most once per interval', async () => {
    const { store, clock, team, keys } = await storeAt({ idempotencyRetentionHours: 1 });
    const other = await store.ensureTeam('other');
    await store.claimIdempotencyKey(team, 'old-1', 'f');
    await store.completeIdempotencyKey(team, 'old-1', ANSWER);
    await store.claimIdempotencyKey(other, 'old-2', 'f');
    clock.nowMs = T0_MS + 30 * 60_000;
    await store.claimIdempotencyKey(team, 'young', 'f');
    expect(await keys()).toEqual(['old-1', 'old-2', 'young']);

    // old-1 and old-2 expire at T0 + 1 h; the last purge ran at T0 + 30 min, so the next is due at T0 + 40 min.
    clock.nowMs = T0_MS + HOUR_MS + 1;
    await store.claimIdempotencyKey(team, 'new', 'f');
    expect(await keys()).toEqual(['new', 'young']);

    // young expires at T0 + 1 h 30 min. A purge at T0 + 1 h 25 min finds nothing expired; a claim just past
    // young's expiry, within the interval of that purge, purges nothing; the next claim past the interval does.
    expect(IDEMPOTENCY_PURGE_INTERVAL_MS).toBe(10 * 60_000);
    clock.nowMs = T0_MS + 85 * 60_000;
    await store.claimIdempotencyKey(team, 'k-85', 'f');
    clock.nowMs = T0_MS + 90 * 60_000 + 1;
    await store.claimIdempotencyKey(team, 'k-90', 'f');
    expect(await keys()).toEqual(['k-85', 'k-90', 'new', 'young']);
    clock.nowMs = T0_MS + 95 * 60_000;
    await store.claimIdempotencyKey(team, 'k-95', 'f');
    expect(await keys()).toEqual(['k-85', 'k-90', 'k-95', 'new']);
    // And on demand: new (first used at T0 + 1 h + 1 ms) is replayed until T0 + 2 h + 1 ms.
    clock.nowMs = T0_MS + 2 * HOUR_MS + 1;
    expect(await store.purgeExpiredIdempotencyKeys()).toBe(0);
    clock.nowMs += 1;
    expect(await store.purgeExpiredIdempotencyKeys()).toBe(1);
    expect(await keys()).toEqual(['k-85', 'k-90', 'k-95']);
  });

  it.skipIf(skip)('purges in chunks of a bounded size until none is left, keeping live records', async () => {
    expect(IDEMPOTENCY_PURGE_CHUNK_ROWS).toBe(1_000);
    const { store, clock, team, keys } = await storeAt({ idempotencyRetentionHours: 1, purgeChunkRows: 2 });
    const other = await store.ensureTeam('other');
    // Claims at T0 + 1 min purge first (nothing has expired yet), then insert; 7 records in all, 5 of them old.
    clock.nowMs = T0_MS + 60_000;
    for (const key of ['a', 'b', 'c']) await store.claimIdempotencyKey(team, key, 'f');
    for (const key of ['d', 'e']) await store.claimIdempotencyKey(other, key, 'f');
    clock.nowMs = T0_MS + 40 * 60_000;
    for (const key of ['live-1', 'live-2']) await store.claimIdempotencyKey(team, key, 'f');
    clock.nowMs = T0_MS + HOUR_MS + 60_001;
    // 5 expired: chunks of 2, 2 and 1.
    expect(await store.purgeExpiredIdempotencyKeys()).toBe(5);
    expect(await keys()).toEqual(['live-1', 'live-2']);
    expect(await store.purgeExpiredIdempotencyKeys()).toBe(0);
  });

  it.skipIf(skip)('a chunk exactly full is followed by one that finds nothing', async () => {
    const { store, clock, team, keys } = await storeAt({ idempotencyRetentionHours: 1, purgeChunkRows: 2 });
    clock.nowMs = T0_MS;
    for (const key of ['a', 'b', 'c', 'd']) await store.claimIdempotencyKey(team, key, 'f');
    clock.nowMs = T0_MS + 2 * HOUR_MS;
    expect(await store.purgeExpiredIdempotencyKeys()).toBe(4);
    expect(await keys()).toEqual([]);
  });
});
