/**
 * Closing the app while requests that use the database are in flight. Oracle: the rule that a request in flight at
 * shutdown finishes as it would have without the shutdown (its normal status, its write stored), whether its client
 * waits for the answer or has gone away (a load generator stopping, a proxy's timeout): the database closes only once
 * every request has been answered.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { appEnvFor, DATABASE_CASES, freshDatabaseOptions } from '../storage/databases.js';
import { buildTestApp } from './helpers.js';

const BUDGET = { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' } } as const;
const HOLD_HEADER = 'x-test-hold';

describe.each(DATABASE_CASES)('closing with requests in flight on $dialect', ({ dialect, skip }) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  /**
   * An app on its own database with a write key, listening; requests carrying HOLD_HEADER wait before their handler
   * (after their key was checked) until release() is called. Statuses lists every answer's status as the app sent it.
   */
  async function holdingApp() {
    const fresh = freshDatabaseOptions(dialect);
    const setup = openDatabase(fresh.options);
    await setup.migrate();
    const token = (await new Store(setup).createKey('vision', 'write')).token;
    await setup.close();
    const app: FastifyInstance = await buildTestApp(appEnvFor(fresh.options));
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    app.addHook('preHandler', async (request) => {
      if (request.headers[HOLD_HEADER] === undefined) return;
      held += 1;
      await released;
    });
    const statuses: number[] = [];
    app.addHook('onSend', async (_request, reply, payload) => {
      statuses.push(reply.statusCode);
      return payload;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    // Open, as the server opens it before listening.
    await app.store();
    const { port } = app.server.address() as { port: number };
    cleanup = async () => {
      await app.close();
      await fresh.cleanup();
    };
    const recordPlan = (signal?: AbortSignal) =>
      fetch(`http://127.0.0.1:${port}/v1/plans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [HOLD_HEADER]: '1' },
        body: JSON.stringify({ ...BUDGET, record: true }),
        ...(signal ? { signal } : {}),
      });
    const recordedPlans = async () => {
      const check = openDatabase(fresh.options);
      try {
        return (await check.db.selectFrom('plans').select('id').execute()).map((row) => row.id);
      } finally {
        await check.close();
      }
    };
    const untilHeld = async (count: number) => {
      while (held < count) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    return { app, release, statuses, recordPlan, recordedPlans, untilHeld };
  }

  it.skipIf(skip)('answers a request its client waits for, and keeps its write', async () => {
    const { app, release, statuses, recordPlan, recordedPlans, untilHeld } = await holdingApp();
    const answer = recordPlan();
    await untilHeld(1);
    const closed = app.close();
    // Closing has begun (readiness says so) while the request still waits for its database work.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(app.readiness.state).toBe('closing');
    release();
    const response = await answer;
    expect(response.status, await response.clone().text()).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await closed;
    expect(statuses).toEqual([201]);
    expect(await recordedPlans()).toEqual([id]);
  });

  it.skipIf(skip)('finishes a request whose client has gone away before closing the database', async () => {
    const { app, release, statuses, recordPlan, recordedPlans, untilHeld } = await holdingApp();
    const abandoned = new AbortController();
    const answer = recordPlan(abandoned.signal).catch((error: Error) => error);
    await untilHeld(1);
    abandoned.abort();
    expect(await answer).toBeInstanceOf(Error);
    const closed = app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await closed;
    // The 201 was sent before the database closed; writing it to the closed socket may then fail (premature close).
    expect(statuses[0]).toBe(201);
    expect(await recordedPlans()).toHaveLength(1);
  });
});
