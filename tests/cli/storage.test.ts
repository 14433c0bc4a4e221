/**
 * The CLI's database commands on SQLite and PostgreSQL, checked through the repositories the server uses: a created key
 * authenticates (and is printed alone on the last line), a revoked one does not, a listing holds no secret, and an
 * export imported into another team reproduces every version.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKey } from '../../src/storage/apiKeys.js';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { DATABASE_CASES, freshDatabaseOptions, POSTGRES_URL } from '../storage/databases.js';
import { runInProcess } from './inProcess.js';

const cli = (argv: string[], env: Record<string, string>) => runInProcess(argv, env);

describe.each(DATABASE_CASES)('CLI database commands on $dialect', ({ dialect, skip }) => {
  let env: Record<string, string>;
  let store: Store;
  let cleanup: () => Promise<void>;
  let scratch: string;

  beforeAll(async () => {
    if (skip) return;
    const fresh = freshDatabaseOptions(dialect);
    const database = openDatabase(fresh.options);
    store = new Store(database);
    cleanup = async () => {
      await database.close();
      await fresh.cleanup();
    };
    env =
      dialect === 'sqlite'
        ? { DATA_DIR: fresh.options.dataDir }
        : {
            DATABASE_URL: `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${fresh.options.schema}`)}`,
          };
    // The schema must exist before a connection can use it as search_path.
    await database.migrate();
    scratch = mkdtempSync(join(tmpdir(), 'scaleplan-cli-'));
  });
  afterAll(async () => {
    if (skip) return;
    await cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it.skipIf(skip)('migrate says the schema is up to date once migrated', async () => {
    const result = await cli(['migrate'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/schema up to date/);
  });

  it.skipIf(skip)(
    'creates a key printed alone on the last line, lists it without its secret, revokes it',
    async () => {
      const created = await cli(['keys', 'create', '--team', 'ml', '--scope', 'write'], env);
      expect(created.code, created.stderr).toBe(0);
      const lines = created.stdout.trimEnd().split('\n');
      const token = lines.at(-1) as string;
      expect(token).toMatch(/^sp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(await store.authenticate(token)).toMatchObject({ teamName: 'ml', scope: 'write' });

      const listed = await cli(['keys', 'list', '--team', 'ml', '--json'], env);
      // The secret is everything after the id; base64url may put '_' inside it, so it is not split on '_'.
      const secret = parseKey(token)?.secret;
      expect(secret).toMatch(/^[\w-]{20,}$/);
      expect(listed.stdout).not.toContain(secret);
      const [key] = JSON.parse(listed.stdout);
      expect(key).toMatchObject({ team: 'ml', scope: 'write', revokedAt: null });

      expect((await cli(['keys', 'revoke', key.id], env)).code).toBe(0);
      expect(await store.authenticate(token)).toBeUndefined();
      expect((await cli(['keys', 'revoke', key.id], env)).code).toBe(2);
      expect((await cli(['keys', 'create', '--team', 'ml', '--scope', 'root'], env)).code).toBe(2);
      expect((await cli(['keys', 'create', '--scope', 'read'], env)).code).toBe(2);
    },
  );

  it.skipIf(skip)(
    'refuses what it would misread, exit 2: an extra argument, a team name that is not one, a file it cannot use',
    async () => {
      const keysBefore = (await store.listKeys()).length;
      const refused = async (argv: string[], message: RegExp) => {
        const result = await cli(argv, env);
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toMatch(message);
      };
      // `keys list vision` meant --team vision; it listed every team's keys.
      await refused(
        ['keys', 'list', 'vision'],
        /unexpected argument "vision" \(a team is given as --team NAME\)/,
      );
      await refused(
        ['keys', 'create', '--team', 'vision', '--scope', 'read', 'extra'],
        /unexpected argument "extra"/,
      );
      await refused(['keys', 'revoke', 'a', 'b'], /unexpected argument "b"/);
      await refused(['keys', 'create', '--team', ' ', '--scope', 'read'], /--team must be 1 to 64 letters/);
      await refused(
        ['keys', 'create', '--team', 'te\nam', '--scope', 'read'],
        /--team must be 1 to 64 letters/,
      );
      expect((await store.listKeys()).length).toBe(keysBefore);
      await refused(
        ['profiles', 'import', '--team', 'x', '--input', join(scratch, 'no-such.json')],
        /--input: cannot read .*no-such\.json: ENOENT/,
      );
      await refused(
        ['profiles', 'export', '--team', 'ml', '--output', join(scratch, 'no-such-dir', 'out.json')],
        /--output: cannot write .*out\.json: ENOENT/,
      );
      // `-` is standard output, as for fit's --input standard input, not a file named "-".
      const exported = await cli(['profiles', 'export', '--team', 'ml', '--output', '-'], env);
      expect(exported.code, exported.stderr).toBe(0);
      expect(JSON.parse(exported.stdout)).toMatchObject({ format: 'scaleplan-profiles', team: 'ml' });
    },
  );

  it.skipIf(skip)(
    "exports a team's profiles with every version and imports them into another team",
    async () => {
      const team = await store.ensureTeam('exporters');
      await store.createProfile(team, 'alpha', '{"runs":[]}', '{"law":{"id":"x"}}');
      const fitOf = (n: number) => JSON.stringify({ ...FIT_STUB, quality: { ...FIT_STUB.quality, n } });
      const runs = (n: number) => JSON.stringify({ runs: Array.from({ length: n }, () => RUN) });
      await store.deleteProfile(team, 'alpha');
      await store.createProfile(team, 'alpha', runs(5), fitOf(5));
      await store.updateProfile(team, 'alpha', 1, runs(6), fitOf(6));
      await store.createProfile(team, 'beta', runs(5), fitOf(5));

      const exported = await cli(['profiles', 'export', '--team', 'exporters'], env);
      expect(exported.code, exported.stderr).toBe(0);
      const file = join(scratch, 'export.json');
      // As exported elsewhere, some time ago: each version keeps the time it was made (one given with an offset).
      const document = JSON.parse(exported.stdout);
      const madeAt = [
        '2025-01-02T03:04:05.006Z',
        '2025-02-03T04:05:06.007Z',
        '2025-03-04T07:06:07.008+02:00',
      ];
      let made = 0;
      for (const profile of document.profiles)
        for (const version of profile.versions) version.createdAt = madeAt[made++];
      expect(made).toBe(3);
      writeFileSync(file, JSON.stringify(document));
      const imported = await cli(['profiles', 'import', '--team', 'importers', '--input', file], env);
      expect(imported.code, imported.stderr).toBe(0);
      const target = (await store.teamId('importers')) as string;
      for (const name of ['alpha', 'beta']) {
        const from = await store.profileVersions(team, name);
        const to = await store.profileVersions(target, name);
        expect(to.map((v) => [v.version, JSON.parse(v.input), JSON.parse(v.fit)])).toEqual(
          from.map((v) => [v.version, JSON.parse(v.input), JSON.parse(v.fit)]),
        );
      }
      const importedAt = [];
      for (const name of ['alpha', 'beta'])
        importedAt.push(...(await store.profileVersions(target, name)).map((v) => v.versionCreatedAt));
      expect(importedAt).toEqual([
        '2025-01-02T03:04:05.006Z',
        '2025-02-03T04:05:06.007Z',
        '2025-03-04T05:06:07.008Z',
      ]);
      const again = await cli(['profiles', 'import', '--team', 'importers', '--input', file], env);
      expect(again.stderr).toMatch(/skipped alpha/);
      // A law the planner refuses, or versions that are not 1 to n, import nothing and say which.
      const refused = async (change: (doc: typeof document) => void, message: RegExp) => {
        const doc = JSON.parse(JSON.stringify(document));
        change(doc);
        writeFileSync(file, JSON.stringify(doc));
        const answer = await cli(['profiles', 'import', '--team', 'strict', '--input', file], env);
        expect(answer.code).toBe(2);
        expect(answer.stderr).toMatch(message);
        expect(await store.teamId('strict')).toBeUndefined();
      };
      await refused((doc) => {
        doc.profiles[1].versions[0].fit.law.coefficients.E = -5;
      }, /profile beta version 1: fit\.law\.coefficients\.E: /);
      await refused((doc) => {
        doc.profiles[0].versions[1].version = 1;
      }, /profile alpha: versions must be 1 to 2, each once; got 1, 1/);
      await refused((doc) => {
        doc.profiles[0].versions[1].version = 3;
      }, /profile alpha: versions must be 1 to 2, each once; got 1, 3/);
      writeFileSync(file, '{"format":"something else"}');
      expect((await cli(['profiles', 'import', '--team', 'importers', '--input', file], env)).code).toBe(2);
    },
  );
});

const RUN = { model: 'F0', epochs: 1, loss: 2.8 };
const COEFFICIENTS = { E: 1, A: 2, B: 3, alpha: 0.3, beta: 0.3 };
const FIT_STUB = {
  formula: 'L(F, D) = E + A / F^alpha + B / D^beta',
  units: { flopsPerImage: 'f', imagesSeen: 'i', value: 'v' },
  datasetImages: 4e9,
  coefficients: COEFFICIENTS,
  quality: { n: 5, rmseRelative: 0.01, r2Log: 0.9, maxRelativeError: 0.02 },
  method: { huberDelta: 0.001, startsTried: 10, objective: 0.1 },
  allocation: {
    exponents: { flopsPerImage: 0.5, costPerEpoch: 0.5, epochs: 0.5 },
    costLaw: {
      coefficient: 1,
      exponent: 1,
      source: 'paper_cost_model',
      modelSizes: 1,
      r2Log: 1,
      description: 'd',
    },
    source: 's',
  },
  law: { id: 'runs_loss_surface', coefficients: COEFFICIENTS },
  warnings: [],
  provenance: 'p',
};
