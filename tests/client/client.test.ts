/**
 * The typed client (packages/client) against a live server on loopback (app.listen on port 0): every documented
 * operation once, and every error class the API answers that a client can provoke (400, 404, 413, 415, 422, 429, 503),
 * each read back as a typed RFC 9457 problem. Oracles: the document (every operation it lists is called), the
 * server's own answers (status and problem type), and openapi-typescript run again on the committed document (the
 * committed types must not drift from it).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createScaleplanClient,
  type FitRequest,
  isProblem,
  type PlanRequest,
  type ScaleplanClient,
} from '../../packages/client/src/index.js';
import { FITS_REQUEST_EXAMPLE } from '../../src/api/fits/examples.js';
import { PROBLEM_TYPES } from '../../src/api/problem.js';
import { Store } from '../../src/storage/store.js';
import { buildTestApp } from '../http/helpers.js';
import { freshDatabase } from '../storage/databases.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

let app: FastifyInstance;
let client: ScaleplanClient;
const called = new Set<string>();

beforeAll(async () => {
  app = await buildTestApp();
  client = createScaleplanClient({ baseUrl: await listen(app) });
});
afterAll(async () => {
  await app.close();
});

const PLAN: PlanRequest = { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } };
const FIT: FitRequest = {
  runs: [...FITS_REQUEST_EXAMPLE.runs],
  bootstrap: { ...FITS_REQUEST_EXAMPLE.bootstrap },
};

/** The synchronous answer of a route that may also answer 202 with an operation: fails the test on an operation. */
function answered<T extends object>(data: T | undefined): Exclude<T, { createdDateTime: string }> {
  if (data === undefined || 'createdDateTime' in data)
    throw new Error(`expected the 200 body, got ${JSON.stringify(data)}`);
  return data as Exclude<T, { createdDateTime: string }>;
}

describe('the client, on every operation of the document', () => {
  it('probes', async () => {
    expect((await client.GET('/healthz')).data).toEqual({ status: 'ok' });
    expect((await client.GET('/readyz')).data).toEqual({ status: 'ready' });
    called.add('getLiveness').add('getReadiness');
  });

  it('plans, one and a batch with a bad item in its slot', async () => {
    const { data: plan } = await client.POST('/v1/plans', { body: PLAN });
    expect(plan?.budget.tpuV4CoreHours).toBe(5_000);
    expect(plan?.recommendation.model.name).toMatch(/^F\d\+?$/);
    const { data: batchData } = await client.POST('/v1/plans/batch', {
      body: {
        items: [PLAN, { budget: { amount: 0, unit: 'tpu_v4_core_hours' } }],
      },
    });
    const batch = answered(batchData);
    expect(batch.succeeded).toBe(1);
    const [first, second] = batch.results;
    expect(first && !isProblem(first) && first.budget.tpuV4CoreHours).toBe(5_000);
    expect(second && isProblem(second) && second.status).toBe(400);
    called.add('createPlan').add('createPlans');
  });

  it('targets and fits, and a fit as an operation, polled and cancelled', async () => {
    const target = answered(
      (await client.POST('/v1/targets', { body: { target: { jftValidationLoss: 2.6 } } })).data,
    );
    expect(target.byPlanner.plan.recommendation.predicted.jftValidationLoss).toBeLessThanOrEqual(2.6);
    const fit = answered((await client.POST('/v1/fits', { body: FIT })).data);
    expect(fit.law.coefficients.E).toBeGreaterThan(0);
    called.add('budgetForTarget').add('fitRuns');

    const accepted = await client.POST('/v1/fits', {
      body: FIT,
      headers: { prefer: 'respond-async' },
    });
    expect(accepted.response.status).toBe(202);
    const id = accepted.response.headers.get('operation-location')?.split('/').at(-1) ?? '';
    const { data: operation } = await client.GET('/v1/operations/{id}', { params: { path: { id } } });
    expect(operation?.id).toBe(id);
    const { response: cancelled } = await client.DELETE('/v1/operations/{id}', { params: { path: { id } } });
    expect([200, 409]).toContain(cancelled.status);
    called.add('getOperation').add('cancelOperation');
  });

  it('models, evaluate, convert, laws, frontier, dataset and the charts', async () => {
    expect((await client.GET('/v1/models', {})).data?.models).toHaveLength(16);
    const { data: evaluation } = await client.GET('/v1/evaluate', {
      params: { query: { model: 'F3+', epochs: 2, batchSize: 4096, cores: 256 } },
    });
    expect(evaluation?.wallClockHours).toBeCloseTo((evaluation?.costTpuV4CoreHours ?? 0) / 256, 9);
    const { data: converted } = await client.GET('/v1/convert', {
      params: { query: { amount: 1000, unit: 'tpu_v4_chip_hours' } },
    });
    expect(converted?.tpuV4CoreHours).toBe(2000);
    expect((await client.GET('/v1/laws')).data?.costModel.id).toBeTypeOf('string');
    expect(
      (await client.GET('/v1/frontier', { params: { query: { points: 2 } } })).data?.series,
    ).toHaveLength(2);
    expect((await client.GET('/v1/dataset')).data?.figure2.points.length).toBeGreaterThan(10);
    for (const path of ['/v1/charts/frontier.svg', '/v1/charts/learning-rate.svg'] as const) {
      const { data: svg } = await client.GET(path, { parseAs: 'text' });
      expect(svg).toMatch(/<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
    called
      .add('listModels')
      .add('evaluateConfiguration')
      .add('convertBudget')
      .add('getLaws')
      .add('getFrontier')
      .add('getDataset')
      .add('getFrontierChart')
      .add('getLearningRateChart');
  });

  it("a team's calibration with a key: profile, version, update, a recorded plan, its outcome, calibration, delete", async () => {
    const fresh = await freshDatabase('sqlite');
    const store = new Store(fresh.database);
    const teamApp = await buildTestApp({}, undefined, { store });
    try {
      const { token } = await store.createKey('vision', 'admin');
      const team = createScaleplanClient({
        baseUrl: await listen(teamApp),
        headers: { authorization: `Bearer ${token}` },
      });
      const runs = [...FITS_REQUEST_EXAMPLE.runs];
      const created = await team.POST('/v1/profiles', { body: { name: 'main', runs } });
      expect(created.response.status).toBe(201);
      const etag = created.response.headers.get('etag') ?? '';
      expect((await team.GET('/v1/profiles')).data?.items.map((p) => p.name)).toEqual(['main']);
      expect(
        (await team.GET('/v1/profiles/{name}', { params: { path: { name: 'main' } } })).data?.version,
      ).toBe(1);
      const updated = await team.PUT('/v1/profiles/{name}', {
        params: { path: { name: 'main' }, header: { 'if-match': etag } },
        body: { runs },
      });
      expect(updated.data?.version).toBe(2);
      const first = await team.GET('/v1/profiles/{name}/versions/{version}', {
        params: { path: { name: 'main', version: 1 } },
      });
      expect(first.data?.version).toBe(1);
      const recorded = await team.POST('/v1/plans', { body: { ...PLAN, profile: 'main', record: true } });
      expect(recorded.response.status).toBe(201);
      const planId = recorded.data?.id ?? '';
      const readBack = await team.GET('/v1/plans/recorded/{id}', { params: { path: { id: planId } } });
      expect(readBack.data?.plan.id).toBe(planId);
      const { model, epochs } = recorded.data?.recommendation ?? { model: { name: '' }, epochs: 0 };
      const outcome = await team.POST('/v1/profiles/{name}/outcomes', {
        params: { path: { name: 'main' } },
        body: { planId, model: model.name, epochs, loss: 2.5 },
      });
      expect(outcome.response.status).toBe(201);
      const outcomeRead = await team.GET('/v1/profiles/{name}/outcomes/{id}', {
        params: { path: { name: 'main', id: outcome.data?.id ?? '' } },
      });
      expect(outcomeRead.data?.loss).toBe(2.5);
      const calibration = await team.GET('/v1/profiles/{name}/calibration', {
        params: { path: { name: 'main' } },
      });
      expect(calibration.response.status).toBe(200);
      const deleted = await team.DELETE('/v1/profiles/{name}', {
        params: {
          path: { name: 'main' },
          header: { 'if-match': updated.response.headers.get('etag') ?? '' },
        },
      });
      expect(deleted.data?.deletedVersions).toBe(2);
      called
        .add('createProfile')
        .add('listProfiles')
        .add('getProfile')
        .add('updateProfile')
        .add('getProfileVersion')
        .add('getRecordedPlan')
        .add('recordOutcome')
        .add('getOutcome')
        .add('getCalibration')
        .add('deleteProfile');
    } finally {
      await teamApp.close();
      await fresh.cleanup();
    }
  }, 60_000);

  it('has called every operation the document lists, but the metrics (another port)', () => {
    const document = app.swagger() as unknown as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const all = Object.values(document.paths).flatMap((item) =>
      Object.entries(item)
        .filter(([key]) => key !== 'servers')
        .map(([, operation]) => operation.operationId),
    );
    expect([...called, 'getMetrics'].sort()).toEqual(all.sort());
  });
});

describe('the client, on every error class a client can provoke', () => {
  it('400, 404, 415 and 422 as typed problems', async () => {
    const invalid = await client.POST('/v1/plans', {
      body: { budget: { amount: 0, unit: 'tpu_v4_core_hours' } },
    });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.errors?.map((e) => e.path)).toEqual(['budget.amount']);

    const missing = await client.GET('/v1/operations/{id}', {
      params: { path: { id: 'no-such-operation' } },
    });
    expect(missing.error?.status).toBe(404);

    const wrongType = await client.POST('/v1/plans', {
      body: PLAN,
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.error?.type).toBe(PROBLEM_TYPES.unsupportedMediaType);
    expect(wrongType.response.status).toBe(415);

    const infeasible = await client.POST('/v1/plans', {
      body: { ...PLAN, constraints: { models: ['F7+'], minEpochs: 1000 } },
    });
    expect(infeasible.response.status).toBe(422);
    expect(infeasible.error?.type).toBe(PROBLEM_TYPES.infeasible);
  });

  it('413, 503 and 429 from a server with a small body limit, a pending start-up task and a tight rate limit', async () => {
    const strict = await buildTestApp({
      BODY_LIMIT_BYTES: '1024',
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '4',
    });
    const notYet = strict.readiness.waitFor('client-test');
    try {
      const strictClient = createScaleplanClient({ baseUrl: await listen(strict) });
      const items = Array.from({ length: 40 }, () => PLAN);
      const tooLarge = await strictClient.POST('/v1/plans/batch', { body: { items } });
      expect(tooLarge.response.status).toBe(413);
      expect(tooLarge.error?.type).toBe(PROBLEM_TYPES.bodyTooLarge);

      const starting = await strictClient.GET('/readyz');
      expect(starting.response.status).toBe(503);
      expect(starting.error?.detail).toContain('client-test');

      let limited = await strictClient.GET('/v1/models');
      for (let i = 0; i < 10 && limited.response.status !== 429; i += 1)
        limited = await strictClient.GET('/v1/models');
      expect(limited.response.status).toBe(429);
      expect(limited.error?.type).toBe(PROBLEM_TYPES.rateLimited);
    } finally {
      notYet();
      await strict.close();
    }
  });
});

describe('the committed client types', () => {
  it('are what openapi-typescript makes of the committed document (run npm run openapi:write)', async () => {
    const { stdout } = await promisify(execFile)(
      `${ROOT}packages/client/node_modules/.bin/openapi-typescript`,
      ['openapi/openapi.json'],
      { cwd: ROOT, maxBuffer: 64 << 20 },
    );
    expect(stdout).toBe(readFileSync(`${ROOT}packages/client/src/schema.d.ts`, 'utf8'));
  }, 60_000);
});
