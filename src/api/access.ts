/**
 * The API-key security scheme and the problems of access and of conditional requests, as the OpenAPI document states
 * them per operation.
 */

import { PROBLEM_CONTENT_TYPE, ProblemSchema } from './problem.js';

/** The problem types of access and of conditional requests. */
export const ACCESS_PROBLEM_TYPES = {
  unauthorized: 'urn:scaleplan:problem:unauthorized',
  forbidden: 'urn:scaleplan:problem:insufficient-scope',
  keyInQuery: 'urn:scaleplan:problem:key-in-query',
  notFound: 'urn:scaleplan:problem:not-found',
  conflict: 'urn:scaleplan:problem:conflict',
  preconditionFailed: 'urn:scaleplan:problem:precondition-failed',
  preconditionRequired: 'urn:scaleplan:problem:precondition-required',
  idempotencyKeyReused: 'urn:scaleplan:problem:idempotency-key-reused',
  idempotencyKeyInUse: 'urn:scaleplan:problem:idempotency-key-in-use',
  invalidReference: 'urn:scaleplan:problem:invalid-reference',
} as const;

/**
 * The expiry policy of Idempotency-Key, which the IETF httpapi draft asks a server to publish in its documentation;
 * src/storage/store.ts enforces it.
 */
export const IDEMPOTENCY_KEY_NOTE =
  'Accepts Idempotency-Key: a retry with the same key and body gets the first answer for 24 h by default (IDEMPOTENCY_RETENTION_HOURS); after that the key is new.';

export const BEARER_SCHEME = 'apiKey';

export const SECURITY_SCHEMES = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A team API key (sp_<id>_<secret>), from `scaleplan keys create --team NAME --scope read|write|admin`, sent as `Authorization: Bearer <key>`; never in the query string. Scopes: read (profiles, calibration, planning against a profile), write (create and update profiles, record plans and outcomes), admin (also delete profiles).',
  },
} as const;

type SecurityRequirements = { [scheme: string]: readonly string[] }[];
/** For operations that need a key. */
export const KEY_REQUIRED: SecurityRequirements = [{ [BEARER_SCHEME]: [] }];
/** For operations open without a key that need one for some requests (a profile, record: true). */
export const KEY_OPTIONAL: SecurityRequirements = [{}, { [BEARER_SCHEME]: [] }];

const INSTANCE = '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21';

/** One example problem per access status, set on each operation's media type by src/api/document.ts. */
export const ACCESS_PROBLEM_EXAMPLES = {
  401: {
    type: ACCESS_PROBLEM_TYPES.unauthorized,
    title: 'Unauthorized',
    status: 401,
    detail: 'The API key is malformed, unknown or revoked.',
    instance: INSTANCE,
  },
  403: {
    type: ACCESS_PROBLEM_TYPES.forbidden,
    title: 'Insufficient scope',
    status: 403,
    detail: 'This request needs a key with scope write; this key has scope read.',
    instance: INSTANCE,
  },
  404: {
    type: ACCESS_PROBLEM_TYPES.notFound,
    title: 'Not found',
    status: 404,
    detail: 'Your team has no profile named "vision".',
    instance: INSTANCE,
  },
  409: {
    type: ACCESS_PROBLEM_TYPES.conflict,
    title: 'Conflict',
    status: 409,
    detail: 'Your team already has a profile named "vision"; update it with PUT.',
    instance: INSTANCE,
  },
  412: {
    type: ACCESS_PROBLEM_TYPES.preconditionFailed,
    title: 'Precondition failed',
    status: 412,
    detail: 'The profile changed since that ETag: it is at version 4. GET it again, then retry.',
    instance: INSTANCE,
  },
  422: {
    type: ACCESS_PROBLEM_TYPES.idempotencyKeyReused,
    title: 'Idempotency key reused',
    status: 422,
    detail: 'This Idempotency-Key was first used with another request; use a new key for a new request.',
    instance: INSTANCE,
  },
  428: {
    type: ACCESS_PROBLEM_TYPES.preconditionRequired,
    title: 'Precondition required',
    status: 428,
    detail:
      'Send If-Match with the ETag you last read, so an update does not overwrite one you have not seen.',
    instance: INSTANCE,
  },
} as const;

const DESCRIPTIONS: Record<keyof typeof ACCESS_PROBLEM_EXAMPLES, string> = {
  401: 'No API key, or one that is malformed, unknown or revoked (see WWW-Authenticate).',
  403: "The key's scope does not allow this request.",
  404: 'Your team has no such resource (another team may; its data is never disclosed).',
  409: 'The resource exists already, or the Idempotency-Key is in use by a request still being answered.',
  412: 'If-Match does not name the current version.',
  422: 'The request is valid but cannot be satisfied (an Idempotency-Key reused with another body, a run the fit refuses, a plan of another profile); detail says why.',
  428: 'If-Match is required.',
};

export type AccessProblemStatus = keyof typeof ACCESS_PROBLEM_EXAMPLES;

/** Response entries for access and precondition problems, in the form problemResponses uses. */
export function accessProblemResponses<S extends AccessProblemStatus>(...statuses: S[]) {
  const responses = {} as Record<
    S,
    { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemSchema } } }
  >;
  for (const status of statuses)
    responses[status] = {
      description: DESCRIPTIONS[status],
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    };
  return responses;
}
