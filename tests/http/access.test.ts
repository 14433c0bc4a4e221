/**
 * Access control on SQLite and PostgreSQL: cross-team reads and writes, missing, malformed and revoked keys, keys in
 * query strings, scope escalation, and injection attempts in names, references and cursors. Every refusal is
 * problem+json, no answer holds another team's data or a database error, and no log line holds a key.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FITS_REQUEST_EXAMPLE } from '../../src/api/fits/examples.js';
import { VERIFIED_KEY_TTL_MS } from '../../src/http/plugins/auth.js';
import { Store } from '../../src/storage/store.js';
import { DATABASE_CASES, freshDatabase } from '../storage/databases.js';
import { buildTestApp, expectProblem } from './helpers.js';

const RUNS = FITS_REQUEST_EXAMPLE.runs;
const BUDGET = { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' } } as const;
/** Words of SQL errors and driver internals that must never reach a client. */
const LEAKS = /syntax|sqlite|postgres|relation|constraint|SELECT|kysely/i;

describe.each(DATABASE_CASES)('access control on $dialect', ({ dialect, skip }) => {
  let app: FastifyInstance;
  let closedApp: FastifyInstance;
  let store: Store;
  let cleanup: () => Promise<void>;
  const logs: string[] = [];
  const keys: Record<string, string> = {};
  let planOfA: string;

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    authorization: string | undefined,
    payload?: unknown,
    headers: Record<string, string> = {},
    target: FastifyInstance = app,
  ): Promise<LightMyRequestResponse> =>
    target.inject({
      method,
      url,
      headers: { ...(authorization === undefined ? {} : { authorization }), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const bearer = (key: string) => `Bearer ${keys[key]}`;
  const refused = (response: LightMyRequestResponse, status: number) => {
    expectProblem(response, status);
    expect(response.body).not.toMatch(LEAKS);
  };

  beforeAll(async () => {
    if (skip) return;
    const fresh = await freshDatabase(dialect);
    store = new Store(fresh.database);
    cleanup = fresh.cleanup;
    const log = { write: (line: string) => void logs.push(line) };
    app = await buildTestApp({ LOG_LEVEL: 'debug' }, log, { store });
    closedApp = await buildTestApp({ REQUIRE_API_KEY: 'true' }, undefined, { store });
    await Promise.all([app.ready(), closedApp.ready()]);
    for (const [name, team, scope] of [
      ['aRead', 'team-a', 'read'],
      ['aWrite', 'team-a', 'write'],
      ['aAdmin', 'team-a', 'admin'],
      ['bAdmin', 'team-b', 'admin'],
      ['revoked', 'team-a', 'admin'],
    ] as const)
      keys[name] = (await store.createKey(team, scope)).token;
    await store.revokeKey(keys.revoked as string);
    const created = await call('POST', '/v1/profiles', bearer('aWrite'), {
      name: 'team-a-secret-profile',
      runs: RUNS,
    });
    expect(created.statusCode, created.body).toBe(201);
    planOfA = (
      await call('POST', '/v1/plans', bearer('aWrite'), {
        ...BUDGET,
        profile: 'team-a-secret-profile',
        record: true,
      })
    ).json().id;
  });
  afterAll(async () => {
    if (skip) return;
    await Promise.all([app.close(), closedApp.close()]);
    await cleanup();
  });

  it.skipIf(skip)(
    'refuses missing, malformed, unknown and revoked keys with 401 and WWW-Authenticate',
    async () => {
      const valid = keys.aAdmin as string;
      for (const authorization of [
        undefined,
        '',
        'Bearer',
        `Basic ${Buffer.from(`user:${valid}`).toString('base64')}`,
        `Token ${valid}`,
        'Bearer sp_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        `Bearer ${valid.slice(0, -2)}`,
        `Bearer ${valid}x`,
        `Bearer ${keys.revoked}`,
        "Bearer ' OR '1'='1",
      ]) {
        const response = await call('GET', '/v1/profiles', authorization);
        refused(response, 401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="scaleplan"/);
        expect(response.body).not.toContain('team-a');
      }
      expect((await call('GET', '/v1/profiles', bearer('aRead'))).statusCode).toBe(200);
      expect((await call('GET', '/v1/profiles', `bearer ${keys.aRead}`)).statusCode).toBe(200);
    },
  );

  it.skipIf(skip)(
    'stops accepting a key once revoked, within the 1 s a verified key is trusted',
    async () => {
      const key = await store.createKey('team-a', 'read');
      expect((await call('GET', '/v1/profiles', `Bearer ${key.token}`)).statusCode).toBe(200);
      await store.revokeKey(key.id);
      await new Promise((resolve) => setTimeout(resolve, VERIFIED_KEY_TTL_MS + 100));
      refused(await call('GET', '/v1/profiles', `Bearer ${key.token}`), 401);
    },
  );

  it.skipIf(skip)('shows and changes nothing of another team: 404, as if it did not exist', async () => {
    const name = 'team-a-secret-profile';
    const other = bearer('bAdmin');
    const hidden = await call('GET', `/v1/profiles/${name}`, other);
    refused(hidden, 404);
    // Word for word what a name no team has gets.
    const absent = await call('GET', '/v1/profiles/no-such-profile', other);
    expect(hidden.json().detail).toBe(absent.json().detail.replace('no-such-profile', name));
    refused(await call('GET', `/v1/profiles/${name}/versions/1`, other), 404);
    refused(await call('GET', `/v1/profiles/${name}/calibration`, other), 404);
    refused(await call('PUT', `/v1/profiles/${name}`, other, { runs: RUNS }, { 'if-match': '*' }), 404);
    refused(await call('DELETE', `/v1/profiles/${name}`, other), 404);
    refused(
      await call('POST', `/v1/profiles/${name}/outcomes`, other, { model: 'F1', epochs: 1, loss: 2.7 }),
      404,
    );
    refused(await call('POST', '/v1/plans', other, { ...BUDGET, profile: name }), 404);
    refused(await call('GET', `/v1/evaluate?model=F1&epochs=1&profile=${name}`, other), 404);
    refused(
      await call('POST', '/v1/targets', other, { target: { jftValidationLoss: 2.6 }, profile: name }),
      404,
    );
    refused(await call('POST', '/v1/plans/batch', other, { profile: name, items: [BUDGET] }), 404);
    refused(await call('GET', `/v1/plans/recorded/${planOfA}`, other), 404);
    const list = await call('GET', '/v1/profiles', other);
    expect(list.json()).toEqual({ items: [] });
    // B's own profile, with A's plan id: the plan is not B's to cite.
    expect((await call('POST', '/v1/profiles', other, { name: 'b-profile', runs: RUNS })).statusCode).toBe(
      201,
    );
    const cited = await call('POST', '/v1/profiles/b-profile/outcomes', other, {
      planId: planOfA,
      model: 'F1',
      epochs: 1,
      loss: 2.7,
    });
    refused(cited, 422);
    expect(cited.json().detail).toBe('planId names no plan your team recorded.');
    // Nothing of A's changed.
    const mine = await call('GET', `/v1/profiles/${name}`, bearer('aRead'));
    expect(mine.json()).toMatchObject({ version: 1, runs: RUNS });
  });

  it.skipIf(skip)('refuses a scope above the key: read cannot write, write cannot delete', async () => {
    refused(await call('POST', '/v1/profiles', bearer('aRead'), { name: 'x', runs: RUNS }), 403);
    refused(await call('POST', '/v1/plans', bearer('aRead'), { ...BUDGET, record: true }), 403);
    refused(
      await call('POST', '/v1/profiles/team-a-secret-profile/outcomes', bearer('aRead'), {
        model: 'F1',
        epochs: 1,
        loss: 2.7,
      }),
      403,
    );
    const forbidden = await call('DELETE', '/v1/profiles/team-a-secret-profile', bearer('aWrite'));
    refused(forbidden, 403);
    expect(forbidden.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    expect((await call('GET', '/v1/profiles/team-a-secret-profile', bearer('aRead'))).statusCode).toBe(200);
  });

  it.skipIf(skip)('refuses keys in the query string, whatever the parameter, and logs none', async () => {
    const key = keys.aAdmin as string;
    for (const url of [
      `/v1/profiles?access_token=${key}`,
      `/v1/profiles?api_key=${key}`,
      `/v1/profiles?cursor=${key}`,
      `/v1/evaluate?model=F1&epochs=1&apikey=${key}`,
      `/v1/evaluate?model=F1&epochs=1&x=${key}`,
    ]) {
      const response = await call('GET', url, undefined);
      refused(response, 400);
      expect(response.body).not.toContain(key);
    }
    // Sent properly, used and refused in every way above: no log line holds any key.
    for (const token of Object.values(keys)) {
      expect(logs.join('\n')).not.toContain(token.slice(20));
    }
    expect(logs.join('\n')).toContain('sp_[redacted]');
  });

  it.skipIf(skip)(
    'takes injection attempts in names, references and cursors as data or refuses them',
    async () => {
      const a = bearer('aAdmin');
      for (const name of [
        "x'; DROP TABLE profiles;--",
        'a%27%20OR%201%3D1--',
        '..%2F..%2Fetc',
        'a b',
        '%00',
      ]) {
        const response = await call('GET', `/v1/profiles/${name}`, a);
        refused(response, response.statusCode === 404 ? 404 : 400);
      }
      refused(await call('POST', '/v1/profiles', a, { name: "x' OR '1'='1", runs: RUNS }), 400);
      refused(await call('POST', '/v1/plans', a, { ...BUDGET, profile: "x' OR '1'='1" }), 400);
      refused(
        await call('POST', '/v1/plans', a, { ...BUDGET, profile: 'team-a-secret-profile@1 OR 1=1' }),
        400,
      );
      refused(await call('GET', "/v1/profiles?cursor=' OR 1=1--", a), 400);
      refused(await call('GET', '/v1/profiles?cursor=eyJhZnRlciI6MX0', a), 400);
      // A well-formed cursor around an injection is only a name to compare with: B's profile never shows up for A.
      const crafted = Buffer.from(JSON.stringify({ after: "' OR team_id <> team_id --" })).toString(
        'base64url',
      );
      const page = await call('GET', `/v1/profiles?cursor=${crafted}`, a);
      expect(page.statusCode).toBe(200);
      expect(page.json().items.map((p: { name: string }) => p.name)).toEqual(['team-a-secret-profile']);
      // The tables are all there.
      expect((await call('GET', '/v1/profiles/team-a-secret-profile', bearer('aRead'))).statusCode).toBe(200);
    },
  );

  it.skipIf(skip)('keeps planning on the paper laws open, unless REQUIRE_API_KEY closes it', async () => {
    expect((await call('POST', '/v1/plans', undefined, BUDGET)).statusCode).toBe(200);
    refused(await call('POST', '/v1/plans', undefined, BUDGET, {}, closedApp), 401);
    refused(await call('GET', '/v1/evaluate?model=F1&epochs=1', undefined, undefined, {}, closedApp), 401);
    expect((await call('POST', '/v1/plans', bearer('aRead'), BUDGET, {}, closedApp)).statusCode).toBe(200);
    expect((await call('GET', '/healthz', undefined, undefined, {}, closedApp)).statusCode).toBe(200);
  });

  it.skipIf(skip)(
    'documents what REQUIRE_API_KEY closes: every /v1 operation needs a key and may answer 401',
    async () => {
      const documentOf = async (app: FastifyInstance) =>
        (await app.inject({ url: '/openapi.json' })).json() as {
          paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
        };
      const operations = (doc: Awaited<ReturnType<typeof documentOf>>) =>
        Object.entries(doc.paths)
          .filter(([path]) => path.startsWith('/v1/'))
          .flatMap(([path, methods]) =>
            Object.entries(methods).map(([method, op]) => ({ at: `${method} ${path}`, op })),
          );
      const closed = operations(await documentOf(closedApp));
      expect(closed.length).toBeGreaterThan(20);
      for (const { at, op } of closed) {
        expect(op.security, at).toEqual([{ apiKey: [] }]);
        expect(Object.keys(op.responses), at).toContain('401');
      }
      // Open by default: planning on the paper's laws declares the key optional and no 401.
      const open = operations(await documentOf(app)).find(({ at }) => at === 'post /v1/plans/batch')?.op;
      expect(open?.security).toEqual([{}, { apiKey: [] }]);
    },
  );
});
