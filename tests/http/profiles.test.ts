/**
 * Profiles end to end on SQLite and PostgreSQL. Oracles: POST /v1/fits for the same runs (a profile stores its answer),
 * POST /v1/plans with that answer's `law` (a plan against a profile is that plan, plus provenance), the runs as sent
 * (versions keep them), and RFC 9110's conditional-request rules (428 without If-Match, 412 on a stale one).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FITS_REQUEST_EXAMPLE } from '../../src/api/fits/examples.js';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../../src/core/dataset/figures.js';
import { Store } from '../../src/storage/store.js';
import { DATABASE_CASES, freshDatabase } from '../storage/databases.js';
import { buildTestApp, expectProblem } from './helpers.js';

const RUNS = FITS_REQUEST_EXAMPLE.runs;
const BUDGET = { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' } } as const;

describe.each(DATABASE_CASES)('profiles on $dialect', ({ dialect, skip }) => {
  let app: FastifyInstance;
  let store: Store;
  let cleanup: () => Promise<void>;
  let write: string;
  let read: string;
  let admin: string;

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    key: string | undefined,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    if (skip) return;
    const fresh = await freshDatabase(dialect);
    store = new Store(fresh.database);
    cleanup = fresh.cleanup;
    // Room in the worker queue for the racing refits below (the default, 2, would refuse some with 503).
    app = await buildTestApp({ WORKER_QUEUE_LIMIT: '8' }, undefined, { store });
    await app.ready();
    write = (await store.createKey('vision', 'write')).token;
    read = (await store.createKey('vision', 'read')).token;
    admin = (await store.createKey('vision', 'admin')).token;
  });
  afterAll(async () => {
    if (skip) return;
    await app.close();
    await cleanup();
  });

  it.skipIf(skip)('creates a profile holding the POST /v1/fits answer for its runs', async () => {
    const created = await call('POST', '/v1/profiles', write, { name: 'main', runs: RUNS });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe('/v1/profiles/main');
    expect(created.headers.etag).toMatch(/^"[0-9a-f]{8}-1"$/);
    const fits = await call('POST', '/v1/fits', undefined, { runs: RUNS });
    expect(fits.statusCode).toBe(200);
    const body = created.json();
    expect(body).toMatchObject({ name: 'main', version: 1, latestVersion: 1, runs: RUNS });
    expect(body.fit).toEqual(fits.json());

    const again = await call('POST', '/v1/profiles', write, { name: 'main', runs: RUNS });
    expectProblem(again, 409);
    const read1 = await call('GET', '/v1/profiles/main', read);
    expect(read1.statusCode).toBe(200);
    expect(read1.headers.etag).toBe(created.headers.etag);
    expect(read1.json()).toEqual(body);
  });

  it.skipIf(skip)('plans against a profile exactly as with its law, and says which version', async () => {
    const law = (await call('GET', '/v1/profiles/main', read)).json().fit.law;
    const withLaw = await call('POST', '/v1/plans', undefined, { ...BUDGET, law });
    const withProfile = await call('POST', '/v1/plans', read, { ...BUDGET, profile: 'main' });
    expect(withProfile.statusCode, withProfile.body).toBe(200);
    const { provenance, ...rest } = withProfile.json();
    const { provenance: lawProvenance, ...lawRest } = withLaw.json();
    expect(rest).toEqual(lawRest);
    expect(provenance).toEqual({
      ...lawProvenance,
      profile: { name: 'main', version: 1, lossLawId: law.id },
    });
    // A paper plan differs: the profile's law is really used.
    const paper = (await call('POST', '/v1/plans', undefined, BUDGET)).json();
    expect(paper.recommendation.predicted.jftValidationLoss).not.toBe(
      rest.recommendation.predicted.jftValidationLoss,
    );

    const evaluation = await call('GET', '/v1/evaluate?model=F3&epochs=2&profile=main%401', read);
    expect(evaluation.statusCode, evaluation.body).toBe(200);
    expect(evaluation.json().provenance.profile).toEqual({ name: 'main', version: 1, lossLawId: law.id });
    expect(evaluation.json().provenance.lossLawId).toBe(law.id);
    // A team's answer is never stored by a shared cache, which would hand it to anyone asking the same URL.
    expect(evaluation.headers['cache-control']).toBe('private, no-cache');

    const batch = await call('POST', '/v1/plans/batch', read, { profile: 'main', items: [BUDGET, BUDGET] });
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json().results[0]).toEqual(withProfile.json());
    const itemProfile = await call('POST', '/v1/plans/batch', read, {
      items: [{ ...BUDGET, profile: 'main' }],
    });
    expect(itemProfile.json().results[0].status).toBe(400);

    const target = await call('POST', '/v1/targets', read, {
      target: { jftValidationLoss: 2.6 },
      profile: 'main',
    });
    expect(target.statusCode, target.body).toBe(200);
    const targetWithLaw = await call('POST', '/v1/targets', undefined, {
      target: { jftValidationLoss: 2.6 },
      law,
    });
    expect(target.json().byPlanner.tpuV4CoreHours).toBe(targetWithLaw.json().byPlanner.tpuV4CoreHours);
    expect(target.json().byPlanner.plan.provenance.profile).toEqual({
      name: 'main',
      version: 1,
      lossLawId: law.id,
    });

    expectProblem(await call('POST', '/v1/plans', read, { ...BUDGET, profile: 'main', law }), 400);
    expectProblem(await call('POST', '/v1/plans', read, { ...BUDGET, profile: 'nope' }), 404);
    expectProblem(await call('POST', '/v1/plans', read, { ...BUDGET, profile: 'main@9' }), 404);
    expectProblem(await call('POST', '/v1/plans', undefined, { ...BUDGET, profile: 'main' }), 401);
  });

  it.skipIf(skip)('updates only with the current ETag, into a new immutable version', async () => {
    const current = await call('GET', '/v1/profiles/main', read);
    const etag = current.headers.etag as string;
    const runs2 = RUNS.slice(0, 10);
    expectProblem(await call('PUT', '/v1/profiles/main', write, { runs: runs2 }), 428);
    expectProblem(
      await call('PUT', '/v1/profiles/main', write, { runs: runs2 }, { 'if-match': '"0000-1"' }),
      412,
    );
    expectProblem(await call('PUT', '/v1/profiles/main', read, { runs: runs2 }, { 'if-match': etag }), 403);

    const racers = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('PUT', '/v1/profiles/main', write, { runs: runs2 }, { 'if-match': etag }),
      ),
    );
    const statuses = racers.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412, 412]);
    const winner = racers.find((r) => r.statusCode === 200) as LightMyRequestResponse;
    expect(winner.json()).toMatchObject({ version: 2, latestVersion: 2, runs: runs2 });
    expect(winner.headers.etag).not.toBe(etag);

    const v1 = await call('GET', '/v1/profiles/main/versions/1', read);
    expect(v1.json()).toMatchObject({ version: 1, latestVersion: 2, runs: RUNS });
    expect(v1.headers.etag).toBe(etag);
    expectProblem(await call('GET', '/v1/profiles/main/versions/3', read), 404);

    const v1Plan = (await call('POST', '/v1/plans', read, { ...BUDGET, profile: 'main@1' })).json();
    const v2Plan = (await call('POST', '/v1/plans', read, { ...BUDGET, profile: 'main' })).json();
    expect(v1Plan.provenance.profile.version).toBe(1);
    expect(v2Plan.provenance.profile.version).toBe(2);
    const v2Law = winner.json().fit.law;
    const byLaw = (await call('POST', '/v1/plans', undefined, { ...BUDGET, law: v2Law })).json();
    expect(v2Plan.recommendation).toEqual(byLaw.recommendation);
  });

  it.skipIf(skip)('lists profiles a page at a time with an opaque cursor', async () => {
    for (const name of ['b-1', 'a-1', 'c-1'])
      expect((await call('POST', '/v1/profiles', write, { name, runs: RUNS })).statusCode).toBe(201);
    const first = await call('GET', '/v1/profiles?limit=2', read);
    expect(first.json().items.map((p: { name: string }) => p.name)).toEqual(['a-1', 'b-1']);
    const cursor = first.json().nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await call('GET', `/v1/profiles?limit=2&cursor=${cursor}`, read);
    expect(second.json().items.map((p: { name: string }) => p.name)).toEqual(['c-1', 'main']);
    expect(second.json().nextCursor).toBeUndefined();
    expect(second.json().items[1]).toMatchObject({ version: 2, runCount: 10 });
  });

  it.skipIf(skip)('records a plan and its outcome, and reports predicted against observed', async () => {
    const recorded = await call('POST', '/v1/plans', write, { ...BUDGET, profile: 'main', record: true });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const plan = recorded.json();
    expect(recorded.headers.location).toBe(`/v1/plans/recorded/${plan.id}`);
    const fetched = await call('GET', `/v1/plans/recorded/${plan.id}`, read);
    expect(fetched.json()).toMatchObject({ id: plan.id, profile: { name: 'main', version: 2 }, plan });
    expectProblem(await call('POST', '/v1/plans', read, { ...BUDGET, record: true }), 403);

    const { model, epochs, predicted, costTpuV4CoreHours } = plan.recommendation;
    const observedLoss = predicted.jftValidationLoss * 1.02;
    // Top-1 1.5 points under the plan's, a cost 10 % over it.
    const observedTop1 = predicted.imagenetTop1Percent - 1.5;
    const observedCost = costTpuV4CoreHours * 1.1;
    const outcome = await call('POST', '/v1/profiles/main/outcomes', write, {
      planId: plan.id,
      model: model.name,
      epochs,
      loss: observedLoss,
      imagenetTop1Percent: observedTop1,
      costTpuV4CoreHours: observedCost,
    });
    expect(outcome.statusCode, outcome.body).toBe(201);
    expect(outcome.json()).toMatchObject({ planId: plan.id, profileVersion: 2 });
    expect((await call('GET', outcome.headers.location as string, read)).json()).toEqual(outcome.json());

    // Without a plan: predicted by the latest version's law, as GET /v1/evaluate?profile= says.
    const evaluation = (await call('GET', '/v1/evaluate?model=F1&epochs=4&profile=main', read)).json();
    const free = await call('POST', '/v1/profiles/main/outcomes', write, {
      model: 'F1',
      epochs: 4,
      loss: 2.5,
    });
    expect(free.statusCode, free.body).toBe(201);

    const calibration = await call('GET', '/v1/profiles/main/calibration', read);
    expect(calibration.statusCode, calibration.body).toBe(200);
    const report = calibration.json();
    expect(report.outcomes).toHaveLength(2);
    const [fromPlan, fromLaw] = report.outcomes;
    expect(fromPlan.predicted).toMatchObject({
      jftValidationLoss: predicted.jftValidationLoss,
      source: 'plan',
    });
    expect(fromPlan.error.jftValidationLoss).toBeCloseTo(observedLoss - predicted.jftValidationLoss, 12);
    expect(fromPlan.error.relative).toBeCloseTo(
      (observedLoss - predicted.jftValidationLoss) / observedLoss,
      12,
    );
    expect(fromPlan.error.imagenetTop1Percent).toBeCloseTo(-1.5, 9);
    expect(fromPlan.error.costRelative).toBeCloseTo(0.1 / 1.1, 12);
    const top1Interval = predicted.imagenetTop1PercentPredictionInterval;
    expect(fromPlan.top1Covered).toBe(
      top1Interval === undefined
        ? undefined
        : observedTop1 >= top1Interval.lower && observedTop1 <= top1Interval.upper,
    );
    expect(fromLaw.predicted).toMatchObject({
      jftValidationLoss: evaluation.predicted.jftValidationLoss,
      imagenetTop1Percent: evaluation.predicted.imagenetTop1Percent,
      costTpuV4CoreHours: evaluation.costTpuV4CoreHours,
      source: 'profile_law',
    });
    // The outcome without top-1 or cost is compared on the loss alone.
    expect(fromLaw.error.imagenetTop1Percent).toBeUndefined();
    expect(fromLaw.error.costRelative).toBeUndefined();
    expect(report.summary.imagenetTop1).toMatchObject({ n: 1, meanAbsoluteError: expect.closeTo(1.5, 9) });
    expect(report.summary.cost).toMatchObject({ n: 1, meanRelativeError: expect.closeTo(0.1 / 1.1, 12) });
    expect(report.summary.n).toBe(2);
    expect(report.summary.meanAbsoluteRelativeError).toBeCloseTo(
      (Math.abs(fromPlan.error.relative) + Math.abs(fromLaw.error.relative)) / 2,
      12,
    );

    const otherPlan = (await call('POST', '/v1/plans', write, { ...BUDGET, record: true })).json();
    const mismatched = await call('POST', '/v1/profiles/main/outcomes', write, {
      planId: otherPlan.id,
      model: 'F1',
      epochs: 1,
      loss: 2.7,
    });
    expectProblem(mismatched, 422);
  });

  it.skipIf(skip)(
    'counts interval coverage over exactly the predictions that carried an interval',
    async () => {
      // Figure 2's runs span six model sizes, enough for a fitted law to carry an ensemble where the fits answer gives one.
      const runs = FIGURE2_JFT_VALIDATION_LOSS.map(({ model, epochs, jftValidationLoss }) => ({
        model,
        epochs,
        loss: jftValidationLoss,
      }));
      expect((await call('POST', '/v1/profiles', write, { name: 'figure-2', runs })).statusCode).toBe(201);
      const plan = (
        await call('POST', '/v1/plans', write, { ...BUDGET, profile: 'figure-2', record: true })
      ).json();
      const { model, epochs, predicted } = plan.recommendation;
      const interval = predicted.jftValidationLossPredictionInterval;
      // Top-1 too: the point prediction, then 20 points under it, far outside any interval the law gives.
      const top1Interval = predicted.imagenetTop1PercentPredictionInterval;
      for (const [loss, top1] of [
        [predicted.jftValidationLoss, predicted.imagenetTop1Percent],
        [predicted.jftValidationLoss * 1.5, predicted.imagenetTop1Percent - 20],
      ]) {
        const posted = await call('POST', '/v1/profiles/figure-2/outcomes', write, {
          planId: plan.id,
          model: model.name,
          epochs,
          loss,
          imagenetTop1Percent: top1,
        });
        expect(posted.statusCode, posted.body).toBe(201);
      }
      const report = (await call('GET', '/v1/profiles/figure-2/calibration', read)).json();
      if (interval === undefined) {
        expect(report.outcomes.map((o: { covered?: boolean }) => o.covered)).toEqual([undefined, undefined]);
        expect(report.summary.intervals).toBeNull();
      } else {
        // The point prediction lies inside its interval; half as much loss again lies far outside any sane one.
        expect(report.outcomes.map((o: { covered?: boolean }) => o.covered)).toEqual([true, false]);
        expect(report.outcomes[0].predicted.jftValidationLossPredictionInterval).toEqual(interval);
        expect(report.summary.intervals).toEqual({ n: 2, covered: 1, coverage: 0.5 });
        expect(top1Interval).toBeDefined();
        expect(report.outcomes.map((o: { top1Covered?: boolean }) => o.top1Covered)).toEqual([true, false]);
        expect(report.summary.imagenetTop1.intervals).toEqual({ n: 2, covered: 1, coverage: 0.5 });
        expect(report.summary.imagenetTop1.meanError).toBeCloseTo(-10, 9);
      }
    },
  );

  it.skipIf(skip)('adds an outcome to the runs and refits into a new version when asked', async () => {
    const before = (await call('GET', '/v1/profiles/a-1', read)).json();
    const outcome = await call('POST', '/v1/profiles/a-1/outcomes', write, {
      model: 'F3',
      epochs: 4,
      loss: 2.52,
      addToRuns: true,
    });
    expect(outcome.statusCode, outcome.body).toBe(201);
    expect(outcome.json().refittedVersion).toBe(before.version + 1);
    const after = (await call('GET', '/v1/profiles/a-1', read)).json();
    expect(after.runs).toEqual([...before.runs, { model: 'F3', epochs: 4, loss: 2.52 }]);
    const fits = (await call('POST', '/v1/fits', undefined, { runs: after.runs })).json();
    expect(after.fit).toEqual(fits);
  });

  it.skipIf(skip)(
    'refuses an outcome its calibration report could not evaluate, naming the field sent, and the report still answers',
    async () => {
      // One epoch of a 1,000-image dataset: 1e-4 epochs is a tenth of an image, which no run can be.
      const small = await call('POST', '/v1/profiles', write, {
        name: 'small-data',
        runs: RUNS,
        datasetImages: 1_000,
      });
      expect(small.statusCode, small.body).toBe(201);
      const outcome = (fields: object) =>
        call('POST', '/v1/profiles/small-data/outcomes', write, {
          model: 'F3',
          epochs: 2,
          loss: 2.6,
          ...fields,
        });
      const pathOf = async (fields: object) =>
        expectProblem(await outcome(fields), 400).errors?.map((e) => e.path);
      // Below a run's bounds (POST /v1/fits): a cost of 1e-200 made the report's relative error overflow, epochs of
      // 1e-13 were refused by the law's evaluation on every later report.
      expect(await pathOf({ costTpuV4CoreHours: 1e-200 })).toEqual(['costTpuV4CoreHours']);
      expect(await pathOf({ epochs: 1e-13 })).toEqual(['epochs']);
      expect(await pathOf({ epochs: 1e-4, addToRuns: true })).toEqual(['epochs']);
      expect((await outcome({ costTpuV4CoreHours: 1e-6 })).statusCode).toBe(201);
      const report = await call('GET', '/v1/profiles/small-data/calibration', read);
      expect(report.statusCode, report.body).toBe(200);
      expect(report.json().summary.n).toBe(1);
    },
  );

  it.skipIf(skip)(
    "keeps an operation on a team's profile to that team: another team's key, or none, finds no such operation",
    async () => {
      const other = (await store.createKey('another-team', 'admin')).token;
      const async = { prefer: 'respond-async' };
      const target = { target: { jftValidationLoss: 2.5 }, profile: 'main' };
      const batch = { items: [BUDGET], profile: 'main' };
      for (const [url, body] of [
        ['/v1/targets', target],
        ['/v1/plans/batch', batch],
      ] as const) {
        const accepted = await call('POST', url, read, body, async);
        expect(accepted.statusCode, accepted.body).toBe(202);
        const path = new URL(accepted.headers['operation-location'] as string).pathname;
        expectProblem(await call('GET', path, other), 404);
        expectProblem(await call('GET', path, undefined), 404);
        expectProblem(await call('DELETE', path, other), 404);
        let seen = await call('GET', path, read);
        while (seen.statusCode === 200 && ['NotStarted', 'Running'].includes(seen.json().status)) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          seen = await call('GET', path, read);
        }
        expect(seen.statusCode, seen.body).toBe(200);
        expect(seen.json().status).toBe('Succeeded');
        // Made against the profile, as the synchronous answer says (provenance names it).
        expect(seen.body).toContain('"profile":{"name":"main"');
      }
      // Work on the paper's laws belongs to no team: its id is all a poll needs.
      const open = await call(
        'POST',
        '/v1/targets',
        undefined,
        { target: { jftValidationLoss: 2.5 } },
        async,
      );
      const openPath = new URL(open.headers['operation-location'] as string).pathname;
      expect((await call('GET', openPath, other)).statusCode).toBe(200);
      expect((await call('GET', openPath, undefined)).statusCode).toBe(200);
    },
  );

  it.skipIf(skip)(
    'answers a retried creation with the first answer, and refuses a key reused for another body',
    async () => {
      const body = { ...BUDGET, profile: 'main', record: true };
      const headers = { 'idempotency-key': 'retry-1' };
      const first = await call('POST', '/v1/plans', write, body, headers);
      const second = await call('POST', '/v1/plans', write, body, headers);
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(201);
      expect(second.body).toBe(first.body);
      expect(second.headers.location).toBe(first.headers.location);
      expectProblem(
        await call(
          'POST',
          '/v1/plans',
          write,
          { ...body, objective: 'jft_loss', strategy: 'fitted' },
          headers,
        ),
        422,
      );

      const profile = { name: 'idem', runs: RUNS };
      const p1 = await call('POST', '/v1/profiles', write, profile, { 'idempotency-key': 'p-1' });
      const p2 = await call('POST', '/v1/profiles', write, profile, { 'idempotency-key': 'p-1' });
      expect([p1.statusCode, p2.statusCode]).toEqual([201, 201]);
      expect(p2.body).toBe(p1.body);
      expect(p2.headers.etag).toBe(p1.headers.etag);
      expectProblem(
        await call(
          'POST',
          '/v1/profiles',
          write,
          { ...profile, name: 'idem2' },
          { 'idempotency-key': 'p-1' },
        ),
        422,
      );
    },
  );

  it.skipIf(skip)('deletes with an admin key only', async () => {
    expectProblem(await call('DELETE', '/v1/profiles/c-1', write), 403);
    const deleted = await call('DELETE', '/v1/profiles/c-1', admin);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ name: 'c-1', deletedVersions: 1 });
    expectProblem(await call('GET', '/v1/profiles/c-1', read), 404);
    expectProblem(await call('DELETE', '/v1/profiles/c-1', admin), 404);
  });
});
