/**
 * The tables, as Kysely sees them. Times are ISO 8601 text (UTC), which sorts as it reads in both dialects; JSON
 * documents (a profile's runs, its fit, a recorded plan) are text, stored and returned as the API wrote them.
 */
export interface TeamsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiKeysTable {
  /** The public part of the key (its prefix), by which it is looked up; never the secret. */
  id: string;
  team_id: string;
  scope: string;
  /** SHA-256 of the secret, hex. */
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ProfilesTable {
  /** Random per creation, so a profile deleted and created again under its name never matches an old ETag. */
  id: string;
  team_id: string;
  name: string;
  /** The latest version; updates are conditional on it (UPDATE ... WHERE version = the If-Match's). */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ProfileVersionsTable {
  profile_id: string;
  version: number;
  created_at: string;
  /** The request that produced the version: description, runs, datasetImages, bootstrap. */
  input: string;
  /** The POST /v1/fits response for those runs. */
  fit: string;
}

export interface PlansTable {
  id: string;
  team_id: string;
  profile_id: string | null;
  profile_name: string | null;
  profile_version: number | null;
  request: string;
  response: string;
  created_at: string;
}

export interface OutcomesTable {
  id: string;
  team_id: string;
  profile_id: string;
  plan_id: string | null;
  /** The profile version whose law predicts this outcome: the plan's, or the latest when it was posted. */
  profile_version: number;
  body: string;
  created_at: string;
}

export interface IdempotencyKeysTable {
  team_id: string;
  key: string;
  /** SHA-256 of the method, path and body of the first request. */
  fingerprint: string;
  /** Null while the first request is being answered. */
  status: number | null;
  headers: string | null;
  body: string | null;
  created_at: string;
}

export interface Tables {
  teams: TeamsTable;
  api_keys: ApiKeysTable;
  profiles: ProfilesTable;
  profile_versions: ProfileVersionsTable;
  plans: PlansTable;
  outcomes: OutcomesTable;
  idempotency_keys: IdempotencyKeysTable;
}
