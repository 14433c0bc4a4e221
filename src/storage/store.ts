/**
 * The repositories: teams and their API keys, profiles and their immutable versions, recorded plans, outcomes and
 * idempotency records, over either dialect. Every read and write of team data is filtered by the team's id, so one
 * team's key can neither see nor change another's rows; callers turn "absent" into a 404 either way.
 */
import { randomUUID } from 'node:crypto';
import type { Compilable, Kysely, Transaction } from 'kysely';
import { v7 as timeOrderedUuid } from 'uuid';
import { generateKey, hashSecret, parseKey, SCOPES, type Scope, secretMatches } from './apiKeys.js';
import { type Database, prepareStatement } from './database.js';
import type { Tables } from './tables.js';

export interface Principal {
  readonly teamId: string;
  readonly teamName: string;
  readonly keyId: string;
  readonly scope: Scope;
}

/** A principal, with the latest version of the profile asked about (null: the team has none of that name). */
export interface PrincipalWithProfile extends Principal {
  readonly profileLookup?: {
    readonly name: string;
    readonly head: { readonly id: string; readonly version: number } | null;
  };
}

export interface KeyInfo {
  readonly id: string;
  readonly team: string;
  readonly scope: Scope;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** One version of a profile, with the profile's identity. input and fit are the JSON texts as stored. */
export interface ProfileVersionRecord {
  readonly profileId: string;
  readonly name: string;
  readonly version: number;
  /** The latest version when this was read (equal to version unless an older one was asked for). */
  readonly latestVersion: number;
  readonly createdAt: string;
  readonly versionCreatedAt: string;
  readonly input: string;
  readonly fit: string;
}

export interface PlanRecord {
  readonly id: string;
  readonly profileId: string | null;
  readonly profileName: string | null;
  readonly profileVersion: number | null;
  readonly request: string;
  readonly response: string;
  readonly createdAt: string;
}

export interface OutcomeRecord {
  readonly id: string;
  readonly planId: string | null;
  readonly profileVersion: number;
  readonly body: string;
  readonly createdAt: string;
}

export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'mismatch' }
  | { readonly state: 'in_progress' }
  | {
      readonly state: 'replay';
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly body: string;
    };

/** A first request that never finished (its process died) stops blocking its key after this long. */
const ABANDONED_CLAIM_MS = 60_000;
const HOUR_MS = 3_600_000;
/** How long a stored answer is replayed by default: the IETF httpapi draft's examples keep keys for 24 hours. */
/** An outcome's columns, as OutcomeRecord names them. */
const OUTCOME_COLUMNS = [
  'id',
  'plan_id as planId',
  'profile_version as profileVersion',
  'body',
  'created_at as createdAt',
] as const;

export const DEFAULT_IDEMPOTENCY_RETENTION_HOURS = 24;
/**
 * Expired idempotency records are deleted by a claim at most this often (indexed DELETEs), so the table holds
 * about a retention period's keys without a timer, and without costing each claim a statement.
 */
export const IDEMPOTENCY_PURGE_INTERVAL_MS = 10 * 60_000;
/**
 * Rows one purge statement deletes at most. After a long stop a purge may face millions of expired records; deleted
 * in one statement they would hold SQLite's single writer lock (and a PostgreSQL transaction) for seconds, stalling
 * every other write. In chunks, writes of other requests interleave between them.
 */
export const IDEMPOTENCY_PURGE_CHUNK_ROWS = 1_000;

export interface StoreOptions {
  /** How long an Idempotency-Key's answer is replayed; after that the key is new again. */
  readonly idempotencyRetentionHours?: number;
  /** The clock, in milliseconds since the epoch; injected by tests. */
  readonly nowMs?: () => number;
  /** Rows a purge statement deletes at most (default IDEMPOTENCY_PURGE_CHUNK_ROWS); tests set a small one. */
  readonly purgeChunkRows?: number;
}

/** A unique or primary-key violation, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  // PostgreSQL's unique_violation; SQLite's SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
  return e.code === '23505' || e.errcode === 2067 || e.errcode === 1555;
}

type Executor = Kysely<Tables> | Transaction<Tables>;

/**
 * A query compiled once, run with new parameters: Kysely builds and compiles a query on every call (tens of
 * microseconds of event-loop time, measured against the pg driver alone), which the two queries every plan against a
 * profile makes should not pay. The query is compiled with sentinel values, whose positions say where each parameter
 * goes.
 */
function compiledOnce<Row, Name extends string>(
  db: Kysely<Tables>,
  names: readonly Name[],
  build: (parameters: Record<Name, string>) => Compilable<Row>,
): (values: Record<Name, unknown>) => Promise<Row[]> {
  const sentinel = (name: string) => `\u0000parameter:${name}`;
  const compiled = build(
    Object.fromEntries(names.map((n) => [n, sentinel(n)])) as Record<Name, string>,
  ).compile();
  prepareStatement(compiled.sql);
  const order = compiled.parameters.map((value) => {
    const name = names.find((n) => sentinel(n) === value);
    if (name === undefined)
      throw new Error(`unexpected constant parameter in a compiled-once query: ${String(value)}`);
    return name;
  });
  return async (values) =>
    (await db.executeQuery<Row>({ ...compiled, parameters: order.map((name) => values[name]) })).rows;
}

export class Store {
  readonly #db: Kysely<Tables>;
  readonly #keyWithProfile;
  readonly #profileHead;

  readonly #nowMs: () => number;
  readonly #idempotencyRetentionMs: number;
  #lastPurgeMs = Number.NEGATIVE_INFINITY;
  readonly #purgeChunkRows: number;

  constructor(
    readonly database: Database,
    options: StoreOptions = {},
  ) {
    this.#nowMs = options.nowMs ?? (() => Date.now());
    this.#purgeChunkRows = options.purgeChunkRows ?? IDEMPOTENCY_PURGE_CHUNK_ROWS;
    this.#idempotencyRetentionMs =
      (options.idempotencyRetentionHours ?? DEFAULT_IDEMPOTENCY_RETENTION_HOURS) * HOUR_MS;
    this.#db = database.db;
    this.#keyWithProfile = compiledOnce(this.#db, ['keyId', 'profileName'], (p) =>
      this.#db
        .selectFrom('api_keys')
        .innerJoin('teams', 'teams.id', 'api_keys.team_id')
        .leftJoin('profiles', (join) =>
          join.onRef('profiles.team_id', '=', 'teams.id').on('profiles.name', '=', p.profileName),
        )
        .select([
          'api_keys.id as id',
          'api_keys.scope as scope',
          'api_keys.secret_hash as secretHash',
          'api_keys.revoked_at as revokedAt',
          'teams.id as teamId',
          'teams.name as teamName',
          'profiles.id as profileId',
          'profiles.version as profileVersion',
        ])
        .where('api_keys.id', '=', p.keyId),
    );
    this.#profileHead = compiledOnce(this.#db, ['teamId', 'name'], (p) =>
      this.#db
        .selectFrom('profiles')
        .select(['id', 'version'])
        .where('team_id', '=', p.teamId)
        .where('name', '=', p.name),
    );
  }

  #now(): string {
    return new Date(this.#nowMs()).toISOString();
  }

  // Teams and keys.

  async #ensureTeam(db: Executor, name: string): Promise<string> {
    const existing = await db.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirst();
    if (existing) return existing.id;
    const id = randomUUID();
    try {
      await db.insertInto('teams').values({ id, name, created_at: this.#now() }).execute();
      return id;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const raced = await db
        .selectFrom('teams')
        .select('id')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return raced.id;
    }
  }

  /** Creates a key for the team (creating the team on its first key); the token is returned once, never stored. */
  async createKey(teamName: string, scope: Scope): Promise<KeyInfo & { readonly token: string }> {
    if (!SCOPES.includes(scope)) throw new Error(`scope must be one of ${SCOPES.join(', ')}`);
    const teamId = await this.#ensureTeam(this.#db, teamName);
    const key = generateKey();
    const createdAt = this.#now();
    await this.#db
      .insertInto('api_keys')
      .values({
        id: key.id,
        team_id: teamId,
        scope,
        secret_hash: key.secretHash,
        created_at: createdAt,
        revoked_at: null,
      })
      .execute();
    return { id: key.id, team: teamName, scope, createdAt, revokedAt: null, token: key.token };
  }

  /** Revokes a key by id (or by its whole token); false when no such unrevoked key exists. */
  async revokeKey(idOrToken: string): Promise<boolean> {
    const id = parseKey(idOrToken)?.id ?? idOrToken;
    const result = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: this.#now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listKeys(teamName?: string): Promise<KeyInfo[]> {
    let query = this.#db
      .selectFrom('api_keys')
      .innerJoin('teams', 'teams.id', 'api_keys.team_id')
      .select([
        'api_keys.id as id',
        'teams.name as team',
        'api_keys.scope as scope',
        'api_keys.created_at as createdAt',
        'api_keys.revoked_at as revokedAt',
      ])
      .orderBy('teams.name')
      .orderBy('api_keys.created_at')
      // Keys created in the same millisecond: a stable order, whichever database answers.
      .orderBy('api_keys.id');
    if (teamName !== undefined) query = query.where('teams.name', '=', teamName);
    const rows = await query.execute();
    return rows.map((row) => ({ ...row, scope: row.scope as Scope }));
  }

  /**
   * The key's team and scope, or undefined for a malformed, unknown, revoked or wrong key. With a profile name, the
   * team's profile of that name comes in the same query: a plan against a profile costs one round trip.
   */
  async authenticate(token: string, profileName?: string): Promise<PrincipalWithProfile | undefined> {
    const parsed = parseKey(token);
    if (parsed === undefined) return undefined;
    const [row] = await this.#keyWithProfile({ keyId: parsed.id, profileName: profileName ?? '' });
    // The hash is compared even for an unknown id, so the answer's timing does not tell ids apart.
    const matches = secretMatches(parsed.secret, row?.secretHash ?? hashSecret(''));
    if (row === undefined || !matches || row.revokedAt !== null) return undefined;
    const principal = {
      teamId: row.teamId,
      teamName: row.teamName,
      keyId: row.id,
      scope: row.scope as Scope,
    };
    if (profileName === undefined) return principal;
    return {
      ...principal,
      profileLookup: {
        name: profileName,
        head:
          row.profileId === null || row.profileVersion === null
            ? null
            : { id: row.profileId, version: Number(row.profileVersion) },
      },
    };
  }

  // Profiles.

  /**
   * Creates a profile at version 1; undefined when the team already has one of that name. `createdAt` (an ISO 8601
   * instant as toISOString writes it) is now, unless an import brings the version's own.
   */
  async createProfile(
    teamId: string,
    name: string,
    input: string,
    fit: string,
    createdAt: string = this.#now(),
  ): Promise<ProfileVersionRecord | undefined> {
    const id = randomUUID();
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx
          .insertInto('profiles')
          .values({ id, team_id: teamId, name, version: 1, created_at: createdAt, updated_at: createdAt })
          .execute();
        await trx
          .insertInto('profile_versions')
          .values({ profile_id: id, version: 1, created_at: createdAt, input, fit })
          .execute();
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
    return {
      profileId: id,
      name,
      version: 1,
      latestVersion: 1,
      createdAt,
      versionCreatedAt: createdAt,
      input,
      fit,
    };
  }

  /** The profile's id and latest version: what a plan against it needs to find its law in a cache. */
  async profileHead(teamId: string, name: string): Promise<{ id: string; version: number } | undefined> {
    const [row] = await this.#profileHead({ teamId, name });
    return row === undefined ? undefined : { id: row.id, version: Number(row.version) };
  }

  /** A team's profile's versions, each as a ProfileVersionRecord's columns. */
  #versionsOf(teamId: string, name: string) {
    return this.#db
      .selectFrom('profiles')
      .innerJoin('profile_versions', 'profile_versions.profile_id', 'profiles.id')
      .select([
        'profiles.id as profileId',
        'profiles.name as name',
        'profiles.version as latestVersion',
        'profiles.created_at as createdAt',
        'profile_versions.version as version',
        'profile_versions.created_at as versionCreatedAt',
        'profile_versions.input as input',
        'profile_versions.fit as fit',
      ])
      .where('profiles.team_id', '=', teamId)
      .where('profiles.name', '=', name);
  }

  /** The latest version, or the one asked for. */
  async getProfile(
    teamId: string,
    name: string,
    version?: number,
  ): Promise<ProfileVersionRecord | undefined> {
    const row = await this.#versionsOf(teamId, name)
      .$call((q) =>
        version === undefined
          ? q.whereRef('profile_versions.version', '=', 'profiles.version')
          : q.where('profile_versions.version', '=', version),
      )
      .executeTakeFirst();
    return row === undefined ? undefined : { ...row, version: Number(row.version) };
  }

  /** Latest versions by name, after `afterName` (exclusive), at most `limit`. */
  async listProfiles(
    teamId: string,
    afterName: string | undefined,
    limit: number,
  ): Promise<ProfileVersionRecord[]> {
    let query = this.#db
      .selectFrom('profiles')
      .innerJoin('profile_versions', (join) =>
        join
          .onRef('profile_versions.profile_id', '=', 'profiles.id')
          .onRef('profile_versions.version', '=', 'profiles.version'),
      )
      .select([
        'profiles.id as profileId',
        'profiles.name as name',
        'profiles.version as version',
        'profiles.version as latestVersion',
        'profiles.created_at as createdAt',
        'profile_versions.created_at as versionCreatedAt',
        'profile_versions.input as input',
        'profile_versions.fit as fit',
      ])
      .where('profiles.team_id', '=', teamId)
      .orderBy('profiles.name')
      .limit(limit);
    if (afterName !== undefined) query = query.where('profiles.name', '>', afterName);
    return query.execute();
  }

  /**
   * Adds version expectedVersion + 1, only if the latest is still expectedVersion: the UPDATE is conditional on it, so
   * of two updates sent with the same If-Match exactly one changes a row (PostgreSQL's row lock makes the second
   * re-check the condition after the first commits), and the (profile, version) primary key refuses a second row.
   * `createdAt` as in createProfile.
   */
  async updateProfile(
    teamId: string,
    name: string,
    expectedVersion: number,
    input: string,
    fit: string,
    createdAt: string = this.#now(),
  ): Promise<ProfileVersionRecord | 'missing' | 'stale'> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const head = await trx
          .selectFrom('profiles')
          .select(['id', 'created_at'])
          .where('team_id', '=', teamId)
          .where('name', '=', name)
          .executeTakeFirst();
        if (head === undefined) return 'missing' as const;
        const version = expectedVersion + 1;
        const updated = await trx
          .updateTable('profiles')
          .set({ version, updated_at: createdAt })
          .where('id', '=', head.id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return 'stale' as const;
        await trx
          .insertInto('profile_versions')
          .values({ profile_id: head.id, version, created_at: createdAt, input, fit })
          .execute();
        return {
          profileId: head.id,
          name,
          version,
          latestVersion: version,
          createdAt: head.created_at,
          versionCreatedAt: createdAt,
          input,
          fit,
        };
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'stale';
      throw error;
    }
  }

  /** Deletes the profile with its versions and outcomes; false when the team has none of that name. */
  async deleteProfile(teamId: string, name: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('profiles')
      .where('team_id', '=', teamId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** The fit JSON of one version, by the profile's id (from profileHead). */
  async versionFit(profileId: string, version: number): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('profile_versions')
      .select('fit')
      .where('profile_id', '=', profileId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row?.fit;
  }

  /** Every version's input, oldest first (for export). */
  async profileVersions(teamId: string, name: string): Promise<ProfileVersionRecord[]> {
    const rows = await this.#versionsOf(teamId, name).orderBy('profile_versions.version').execute();
    return rows;
  }

  async teamId(teamName: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('teams')
      .select('id')
      .where('name', '=', teamName)
      .executeTakeFirst();
    return row?.id;
  }

  async ensureTeam(teamName: string): Promise<string> {
    return this.#ensureTeam(this.#db, teamName);
  }

  // Recorded plans.

  async recordPlan(
    teamId: string,
    plan: {
      readonly id: string;
      readonly profile?: { readonly id: string; readonly name: string; readonly version: number };
      readonly request: string;
      readonly response: string;
    },
  ): Promise<PlanRecord> {
    const createdAt = this.#now();
    await this.#db
      .insertInto('plans')
      .values({
        id: plan.id,
        team_id: teamId,
        profile_id: plan.profile?.id ?? null,
        profile_name: plan.profile?.name ?? null,
        profile_version: plan.profile?.version ?? null,
        request: plan.request,
        response: plan.response,
        created_at: createdAt,
      })
      .execute();
    return {
      id: plan.id,
      profileId: plan.profile?.id ?? null,
      profileName: plan.profile?.name ?? null,
      profileVersion: plan.profile?.version ?? null,
      request: plan.request,
      response: plan.response,
      createdAt,
    };
  }

  async getPlan(teamId: string, id: string): Promise<PlanRecord | undefined> {
    return (await this.getPlans(teamId, [id]))[0];
  }

  /** The team's plans among these ids. */
  async getPlans(teamId: string, ids: readonly string[]): Promise<PlanRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom('plans')
      .select([
        'id',
        'profile_id as profileId',
        'profile_name as profileName',
        'profile_version as profileVersion',
        'request',
        'response',
        'created_at as createdAt',
      ])
      .where('team_id', '=', teamId)
      .where('id', 'in', ids)
      .execute();
    return rows.map((row) => ({
      ...row,
      profileVersion: row.profileVersion === null ? null : Number(row.profileVersion),
    }));
  }

  // Outcomes.

  async addOutcome(
    teamId: string,
    profileId: string,
    outcome: { readonly planId: string | null; readonly profileVersion: number; readonly body: string },
  ): Promise<OutcomeRecord> {
    // Outcomes list in the order they were recorded, and created_at has millisecond resolution: the id breaks ties.
    // uuid's v7 is time-ordered and, unlike node:crypto's randomUUIDv7, monotonic within a millisecond (RFC 9562
    // section 6.2, method 1), so two outcomes recorded in the same millisecond keep their order.
    const id = timeOrderedUuid();
    const createdAt = this.#now();
    await this.#db
      .insertInto('outcomes')
      .values({
        id,
        team_id: teamId,
        profile_id: profileId,
        plan_id: outcome.planId,
        profile_version: outcome.profileVersion,
        body: outcome.body,
        created_at: createdAt,
      })
      .execute();
    return {
      id,
      planId: outcome.planId,
      profileVersion: outcome.profileVersion,
      body: outcome.body,
      createdAt,
    };
  }

  async listOutcomes(teamId: string, profileId: string, limit: number): Promise<OutcomeRecord[]> {
    const rows = await this.#db
      .selectFrom('outcomes')
      .select(OUTCOME_COLUMNS)
      .where('team_id', '=', teamId)
      .where('profile_id', '=', profileId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...row, profileVersion: Number(row.profileVersion) }));
  }

  async getOutcome(teamId: string, profileId: string, id: string): Promise<OutcomeRecord | undefined> {
    const row = await this.#db
      .selectFrom('outcomes')
      .select(OUTCOME_COLUMNS)
      .where('team_id', '=', teamId)
      .where('profile_id', '=', profileId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : { ...row, profileVersion: Number(row.profileVersion) };
  }

  // Idempotency keys (draft-ietf-httpapi-idempotency-key-header).

  /**
   * Claims the key for a first request, or says how to answer a retry. A key whose first use is older than the
   * retention is new again: its record is replaced.
   */
  async claimIdempotencyKey(teamId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const nowMs = this.#nowMs();
    if (nowMs - this.#lastPurgeMs >= IDEMPOTENCY_PURGE_INTERVAL_MS) {
      this.#lastPurgeMs = nowMs;
      await this.purgeExpiredIdempotencyKeys();
    }
    const createdAt = this.#now();
    try {
      await this.#db
        .insertInto('idempotency_keys')
        .values({
          team_id: teamId,
          key,
          fingerprint,
          status: null,
          headers: null,
          body: null,
          created_at: createdAt,
        })
        .execute();
      return { state: 'claimed' };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const row = await this.#db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined) return this.claimIdempotencyKey(teamId, key, fingerprint);
    if (row.created_at < this.#idempotencyCutoff()) {
      // Deleted only if still the expired record, so two requests reusing the key together claim it once.
      await this.#db
        .deleteFrom('idempotency_keys')
        .where('team_id', '=', teamId)
        .where('key', '=', key)
        .where('created_at', '=', row.created_at)
        .execute();
      return this.claimIdempotencyKey(teamId, key, fingerprint);
    }
    if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (row.status === null || row.headers === null || row.body === null) {
      if (Date.parse(row.created_at) > nowMs - ABANDONED_CLAIM_MS) return { state: 'in_progress' };
      const taken = await this.#db
        .updateTable('idempotency_keys')
        .set({ created_at: createdAt })
        .where('team_id', '=', teamId)
        .where('key', '=', key)
        .where('status', 'is', null)
        .where('created_at', '=', row.created_at)
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) === 1 ? { state: 'claimed' } : { state: 'in_progress' };
    }
    return {
      state: 'replay',
      status: Number(row.status),
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
    };
  }

  /** Records whose first use is older than this (ISO 8601 text sorts as it reads) have expired. */
  #idempotencyCutoff(): string {
    return new Date(this.#nowMs() - this.#idempotencyRetentionMs).toISOString();
  }

  /**
   * Deletes the expired idempotency records of every team (found by the created_at index), at most
   * IDEMPOTENCY_PURGE_CHUNK_ROWS per statement. @returns how many.
   */
  async purgeExpiredIdempotencyKeys(): Promise<number> {
    const cutoff = this.#idempotencyCutoff();
    let total = 0;
    for (;;) {
      const deleted = await this.#db
        .deleteFrom('idempotency_keys')
        .where(({ eb, refTuple, selectFrom }) =>
          eb(
            refTuple('team_id', 'key'),
            'in',
            selectFrom('idempotency_keys')
              .select(['team_id', 'key'])
              .where('created_at', '<', cutoff)
              .limit(this.#purgeChunkRows)
              .$asTuple('team_id', 'key'),
          ),
        )
        .executeTakeFirst();
      const rows = Number(deleted.numDeletedRows);
      total += rows;
      if (rows < this.#purgeChunkRows) return total;
    }
  }

  async completeIdempotencyKey(
    teamId: string,
    key: string,
    response: { status: number; headers: Record<string, string>; body: string },
  ): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({ status: response.status, headers: JSON.stringify(response.headers), body: response.body })
      .where('team_id', '=', teamId)
      .where('key', '=', key)
      .execute();
  }

  /** Forgets a claim whose request failed on the server's side, so a retry runs again. */
  async releaseIdempotencyKey(teamId: string, key: string): Promise<void> {
    await this.#db
      .deleteFrom('idempotency_keys')
      .where('team_id', '=', teamId)
      .where('key', '=', key)
      .where('status', 'is', null)
      .execute();
  }
}
