/**
 * The repositories on SQLite and PostgreSQL: keys (hash only, revocation, constant-time check), team isolation,
 * versioned profiles with conditional updates, outcomes in recording order, and idempotency claims.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, parseKey } from '../../src/storage/apiKeys.js';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { DATABASE_CASES, freshDatabase } from './databases.js';

describe.each(DATABASE_CASES)('store on $dialect', ({ dialect, skip }) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let options: Parameters<typeof openDatabase>[0];

  beforeAll(async () => {
    if (skip) return;
    const fresh = await freshDatabase(dialect);
    store = new Store(fresh.database);
    cleanup = fresh.cleanup;
    options = fresh.options;
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('migrating again runs nothing', async () => {
    const again = openDatabase(options);
    try {
      expect(await again.migrate()).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it.skipIf(skip)(
    'stores only the hash of a key, and a revoked or altered key no longer authenticates',
    async () => {
      const key = await store.createKey('vision', 'write');
      const parsed = parseKey(key.token);
      expect(parsed?.id).toBe(key.id);
      const rows = await store.database.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', key.id)
        .execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(parsed?.secret);
      expect(rows[0]?.secret_hash).toBe(hashSecret(parsed?.secret as string));

      expect(await store.authenticate(key.token)).toMatchObject({ teamName: 'vision', scope: 'write' });
      const altered = `${key.token.slice(0, -1)}${key.token.endsWith('A') ? 'B' : 'A'}`;
      expect(await store.authenticate(altered)).toBeUndefined();
      expect(await store.authenticate('Bearer nonsense')).toBeUndefined();
      expect(await store.revokeKey(key.id)).toBe(true);
      expect(await store.revokeKey(key.id)).toBe(false);
      expect(await store.authenticate(key.token)).toBeUndefined();
      expect((await store.listKeys('vision')).map((k) => k.revokedAt !== null)).toEqual([true]);
    },
  );

  it.skipIf(skip)('keeps teams apart', async () => {
    const a = await store.ensureTeam('team-a');
    const b = await store.ensureTeam('team-b');
    expect(await store.createProfile(a, 'shared-name', '{"n":1}', '{"fit":1}')).toBeDefined();
    expect(await store.createProfile(b, 'shared-name', '{"n":2}', '{"fit":2}')).toBeDefined();
    expect((await store.getProfile(a, 'shared-name'))?.input).toBe('{"n":1}');
    expect((await store.getProfile(b, 'shared-name'))?.input).toBe('{"n":2}');
    expect(await store.deleteProfile(b, 'shared-name')).toBe(true);
    expect((await store.getProfile(a, 'shared-name'))?.input).toBe('{"n":1}');
    expect(await store.getProfile(b, 'shared-name')).toBeUndefined();
  });

  it.skipIf(skip)(
    'versions a profile; of concurrent updates from the same version exactly one wins',
    async () => {
      const team = await store.ensureTeam('team-versions');
      const created = await store.createProfile(team, 'p', '{"v":1}', '{}');
      expect(created?.version).toBe(1);
      expect(await store.createProfile(team, 'p', '{}', '{}')).toBeUndefined();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.updateProfile(team, 'p', 1, `{"v":"2-${i}"}`, '{}')),
      );
      const winners = results.filter((r) => typeof r === 'object');
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r === 'stale')).toHaveLength(7);
      const latest = await store.getProfile(team, 'p');
      expect(latest?.version).toBe(2);
      expect(latest?.input).toBe(typeof winners[0] === 'object' ? winners[0].input : '');
      expect((await store.getProfile(team, 'p', 1))?.input).toBe('{"v":1}');
      expect(await store.updateProfile(team, 'missing', 1, '{}', '{}')).toBe('missing');
    },
  );

  it.skipIf(skip)('lists profiles by name after a cursor', async () => {
    const team = await store.ensureTeam('team-list');
    for (const name of ['c', 'a', 'b', 'd']) await store.createProfile(team, name, '{}', '{}');
    expect((await store.listProfiles(team, undefined, 2)).map((p) => p.name)).toEqual(['a', 'b']);
    expect((await store.listProfiles(team, 'b', 10)).map((p) => p.name)).toEqual(['c', 'd']);
  });

  it.skipIf(skip)('lists outcomes in the order they were recorded, even within one millisecond', async () => {
    // A frozen clock gives every outcome the same created_at, so only the id can keep their order.
    const frozen = new Store(store.database, { nowMs: () => Date.parse('2026-01-01T00:00:00Z') });
    const team = await frozen.ensureTeam('team-outcomes');
    const profile = await frozen.createProfile(team, 'p', '{}', '{}');
    const bodies = Array.from({ length: 300 }, (_, i) => `{"n":${i}}`);
    for (const body of bodies)
      await frozen.addOutcome(team, profile?.profileId as string, { planId: null, profileVersion: 1, body });
    const listed = await frozen.listOutcomes(team, profile?.profileId as string, 1_000);
    expect(new Set(listed.map((o) => o.createdAt)).size).toBe(1);
    expect(listed.map((o) => o.body)).toEqual(bodies);
  });

  it.skipIf(skip)('lists keys created in the same millisecond in one stable order (by id)', async () => {
    const frozen = new Store(store.database, { nowMs: () => Date.parse('2026-01-01T00:00:00Z') });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await frozen.createKey('team-same-ms', 'read')).id);
    const listed = (await frozen.listKeys('team-same-ms')).map((k) => k.id);
    expect(listed).toEqual([...ids].sort());
  });

  it.skipIf(skip)('claims an idempotency key once and replays the stored answer', async () => {
    const team = await store.ensureTeam('team-idem');
    expect(await store.claimIdempotencyKey(team, 'k1', 'f1')).toEqual({ state: 'claimed' });
    expect(await store.claimIdempotencyKey(team, 'k1', 'f1')).toEqual({ state: 'in_progress' });
    expect(await store.claimIdempotencyKey(team, 'k1', 'f2')).toEqual({ state: 'mismatch' });
    await store.completeIdempotencyKey(team, 'k1', { status: 201, headers: { location: '/x' }, body: '{}' });
    expect(await store.claimIdempotencyKey(team, 'k1', 'f1')).toEqual({
      state: 'replay',
      status: 201,
      headers: { location: '/x' },
      body: '{}',
    });
    const other = await store.ensureTeam('team-idem-2');
    expect(await store.claimIdempotencyKey(other, 'k1', 'f9')).toEqual({ state: 'claimed' });
  });
});
