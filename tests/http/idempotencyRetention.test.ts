/**
 * IDEMPOTENCY_RETENTION_HOURS end to end: a retried POST /v1/plans with record: true and the same Idempotency-Key is
 * answered with the first answer within the retention, and recorded anew once it has passed. Oracle: the configured
 * retention, on a clock the test moves (vitest's fake Date; no sleeping), and the recorded plans in the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { buildTestApp } from './helpers.js';

const HOUR_MS = 3_600_000;
const T0_MS = Date.parse('2026-03-01T12:00:00.000Z');

afterEach(() => {
  vi.useRealTimers();
});

describe('IDEMPOTENCY_RETENTION_HOURS', () => {
  it('replays a recorded plan within the retention and records it anew after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0_MS);
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleplan-idempotency-'));
    const setup = openDatabase({ dataDir });
    await setup.migrate();
    const token = (await new Store(setup).createKey('vision', 'write')).token;
    const app = await buildTestApp({ DATA_DIR: dataDir, IDEMPOTENCY_RETENTION_HOURS: '2' });
    try {
      const record = () =>
        app.inject({
          method: 'POST',
          url: '/v1/plans',
          headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'nightly-plan' },
          payload: { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, record: true },
        });
      const first = await record();
      expect(first.statusCode, first.body).toBe(201);

      vi.setSystemTime(T0_MS + 2 * HOUR_MS);
      const retried = await record();
      expect(retried.statusCode).toBe(201);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body).toBe(first.body);

      vi.setSystemTime(T0_MS + 2 * HOUR_MS + 1);
      const anew = await record();
      expect(anew.statusCode, anew.body).toBe(201);
      expect(anew.headers['idempotent-replayed']).toBeUndefined();
      expect(anew.json().id).not.toBe(first.json().id);
      const ids = (await setup.db.selectFrom('plans').select('id').execute()).map((row) => row.id);
      expect(ids.sort()).toEqual([first.json().id, anew.json().id].sort());
    } finally {
      await app.close();
      await setup.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
