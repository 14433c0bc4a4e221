/**
 * RFC 9457 problem details: the one error body of the API, and the helper routes use to document theirs.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { InfeasibleError, PlannerInputError } from '../core/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types. URNs identify a type without promising a dereferenceable page (RFC 9457 section 3.1.1). */
export const PROBLEM_TYPES = {
  validation: 'urn:scaleplan:problem:validation-error',
  malformedJson: 'urn:scaleplan:problem:malformed-json',
  forbiddenProperty: 'urn:scaleplan:problem:forbidden-property',
  infeasible: 'urn:scaleplan:problem:infeasible',
  notFound: 'urn:scaleplan:problem:not-found',
  methodNotAllowed: 'urn:scaleplan:problem:method-not-allowed',
  bodyTooLarge: 'urn:scaleplan:problem:body-too-large',
  unsupportedMediaType: 'urn:scaleplan:problem:unsupported-media-type',
  rateLimited: 'urn:scaleplan:problem:rate-limited',
  notReady: 'urn:scaleplan:problem:not-ready',
  overloaded: 'urn:scaleplan:problem:overloaded',
  storageUnavailable: 'urn:scaleplan:problem:storage-unavailable',
  badRequest: 'urn:scaleplan:problem:bad-request',
  internal: 'urn:scaleplan:problem:internal-error',
} as const;

export const FieldErrorSchema = z
  .object({
    path: z
      .string()
      .describe(
        'Dotted path of the offending field, e.g. "budget.amount"; "body" or "querystring" for the whole.',
      ),
    message: z.string().describe('What is wrong with it, for a person.'),
  })
  .describe('One invalid field.')
  .meta({ id: 'FieldError' });

export const ProblemSchema = z
  .object({
    type: z.string().describe('URI identifying the problem type; one of the urn:scaleplan:problem:* values.'),
    title: z
      .string()
      .describe('Short summary of the problem type; the same for every occurrence of the type.'),
    status: z.number().int().min(400).max(599).describe('The HTTP status code.'),
    detail: z.string().describe('Explanation of this occurrence, for a person.'),
    instance: z
      .string()
      .describe('The request id (also in the x-request-id response header); quote it in reports.'),
    errors: z.array(FieldErrorSchema).optional().describe('For validation errors: every invalid field.'),
    context: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('For infeasible requests: machine-readable detail, such as the reachable limit.'),
  })
  .describe('An RFC 9457 problem details object.')
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof ProblemSchema>;
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** Problem statuses a route may document, with the example each shows in the document (src/api/document.ts). */
export const PROBLEM_EXAMPLES = {
  400: {
    type: PROBLEM_TYPES.validation,
    title: 'Invalid request',
    status: 400,
    detail: 'budget.amount: Too small: expected number to be >0',
    instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21',
    errors: [{ path: 'budget.amount', message: 'Too small: expected number to be >0' }],
  },
  404: {
    type: PROBLEM_TYPES.notFound,
    title: 'Not found',
    status: 404,
    detail: 'No route GET /v2/plans',
    instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21',
  },
  413: {
    type: PROBLEM_TYPES.bodyTooLarge,
    title: 'Request body too large',
    status: 413,
    detail: 'The request body exceeds the limit of 1048576 bytes.',
    instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21',
  },
  415: {
    type: PROBLEM_TYPES.unsupportedMediaType,
    title: 'Unsupported media type',
    status: 415,
    detail: 'Send the body as application/json.',
    instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21',
  },
  422: {
    type: PROBLEM_TYPES.infeasible,
    title: 'Request cannot be satisfied',
    status: 422,
    detail: 'No allowed variant can train for at least minEpochs within the budget.',
    instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21',
    context: { minEpochs: 4 },
  },
  429: {
    type: PROBLEM_TYPES.rateLimited,
    title: 'Too many requests',
    status: 429,
    detail: 'Rate limit of 1200 requests per 60 s exceeded; retry after 12 s.',
    instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21',
  },
  500: {
    type: PROBLEM_TYPES.internal,
    title: 'Internal server error',
    status: 500,
    detail: 'The server failed to handle the request; quote the instance id when reporting it.',
    instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21',
  },
  503: {
    type: PROBLEM_TYPES.notReady,
    title: 'Not ready',
    status: 503,
    detail: 'The service is starting; waiting for: laws.',
    instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21',
  },
} as const satisfies Record<number, Problem>;

export type DocumentedProblemStatus = keyof typeof PROBLEM_EXAMPLES;

const DESCRIPTIONS: Record<DocumentedProblemStatus, string> = {
  400: 'Invalid request: a field is missing, mistyped, out of range or unknown (errors[] names each), or the body is not JSON.',
  404: 'Not found.',
  413: 'The request body is larger than the configured limit.',
  415: 'The body is not application/json.',
  422: 'The request is valid but cannot be satisfied; detail says why.',
  429: 'Too many requests from this client; see the retry-after header.',
  500: 'Unexpected server error; no internal detail is disclosed.',
  503: 'The service is starting, shutting down or overloaded; retry later (an overloaded answer carries retry-after).',
};

type ProblemResponse = {
  description: string;
  content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemSchema } };
};

/**
 * Response schemas for a route's error statuses, in the per-content-type form so the document says
 * application/problem+json rather than application/json.
 */
export function problemResponses<S extends DocumentedProblemStatus>(
  ...statuses: S[]
): Record<S, ProblemResponse> {
  const responses = {} as Record<S, ProblemResponse>;
  for (const status of statuses) {
    responses[status] = {
      description: DESCRIPTIONS[status],
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    };
  }
  return responses;
}

/** The problem of a request that needs the database while it cannot be reached; retry-after says when to try again. */
export const STORAGE_UNAVAILABLE_PROBLEM = {
  type: PROBLEM_TYPES.storageUnavailable,
  title: 'Storage unavailable',
  status: 503,
  detail:
    'The database is unavailable; retry after the number of seconds in the retry-after header. Planning on the paper laws does not need it.',
} as const satisfies ProblemBody;

/** The documented 503 of an operation that uses the database (src/api/document.ts). */
export const STORAGE_UNAVAILABLE_RESPONSE = {
  description:
    'The service is starting, shutting down or overloaded, or its database is unavailable (type urn:scaleplan:problem:storage-unavailable); retry after the seconds in retry-after when present.',
  retryAfterDescription: 'Seconds to wait before retrying; sent with database outages and load shedding.',
  example: { ...STORAGE_UNAVAILABLE_PROBLEM, instance: '4b0b7ad3-5c35-4e5b-9d2c-1f0f6b0a9e21' },
} as const;

/** Errors every API route can answer with, whatever its input: a rate limit, an unexpected failure, load shedding. */
export const COMMON_PROBLEMS = [429, 500, 503] as const;

/** The reason phrase of a status, used as the title of problems that have no more specific type. */
export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** A problem before the request id is known. */
export type ProblemBody = Omit<Problem, 'instance'>;

/** The not-found detail quotes the path; a client-chosen string, so it is bounded. */
export const MAX_ECHOED_PATH_LENGTH = 200;

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** "/budget/amount" -> "budget.amount"; an unknown key is reported at its own path, not its parent's. */
export function issuePaths(issue: ValidationIssue, context: string | undefined): string[] {
  const base = (issue.instancePath ?? '').split('/').filter((segment) => segment !== '');
  const keys = issue.keyword === 'unrecognized_keys' ? issue.params?.keys : undefined;
  if (Array.isArray(keys) && keys.length > 0) return keys.map((key) => [...base, String(key)].join('.'));
  return [base.length > 0 ? base.join('.') : (context ?? 'body')];
}

/**
 * A 1 MiB body of unknown keys would otherwise come back as a 7 MB answer (each key in errors[] and again in detail):
 * at most this many issues are listed, each path cut to MAX_ECHOED_PATH_LENGTH, and detail says how many were left out.
 */
export const MAX_LISTED_ISSUES = 20;

/** A zod issue inside a union's branch: its path is relative to the union. */
interface BranchIssue {
  readonly code?: string;
  readonly path?: readonly PropertyKey[];
  readonly message?: string;
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly BranchIssue[])[];
}

/**
 * A union that matched no branch is one issue at the union's path, "Invalid input", with each branch's issues inside.
 * To name the field a client got wrong, it is reported as the issues of the branch that came closest (fewest issues);
 * when several branches tie, as the issues they share (an unknown key every branch refuses), or else as the union's
 * own issue (an empty target, or both targets at once: no one field is to blame).
 */
export function unionIssues(issue: ValidationIssue): ValidationIssue[] {
  const branches = issue.params?.errors as readonly (readonly BranchIssue[])[] | undefined;
  if (issue.keyword !== 'invalid_union' || !Array.isArray(branches) || branches.length === 0) return [issue];
  const fewest = Math.min(...branches.map((branch) => branch.length));
  const closest = branches.filter((branch) => branch.length === fewest);
  const key = (b: BranchIssue) => `${b.code}|${(b.path ?? []).join('/')}|${(b.keys ?? []).join(',')}`;
  const first: readonly BranchIssue[] = closest[0] ?? [];
  const shared = first.filter((candidate) =>
    closest.every((branch) => branch.some((other: BranchIssue) => key(other) === key(candidate))),
  );
  if (shared.length === 0) return [issue];
  const base = issue.instancePath ?? '';
  return shared.flatMap((branchIssue: BranchIssue) =>
    unionIssues({
      instancePath: [base, ...(branchIssue.path ?? []).map(String)].join('/').replace(/^\/*/, '/'),
      ...(branchIssue.message !== undefined && { message: branchIssue.message }),
      ...(branchIssue.code !== undefined && { keyword: branchIssue.code }),
      params: {
        ...(branchIssue.keys !== undefined && { keys: branchIssue.keys }),
        ...(branchIssue.errors !== undefined && { errors: branchIssue.errors }),
      },
    }),
  );
}

function validationProblem(issues: readonly ValidationIssue[], context: string | undefined): ProblemBody {
  const all = issues.flatMap(unionIssues).flatMap((issue) => {
    const message =
      issue.keyword === 'unrecognized_keys' ? 'Unknown property' : (issue.message ?? 'Invalid value');
    return issuePaths(issue, context).map((path) => ({
      path: path.slice(0, MAX_ECHOED_PATH_LENGTH),
      message,
    }));
  });
  const errors = all.slice(0, MAX_LISTED_ISSUES);
  const omitted = all.length - errors.length;
  return {
    type: PROBLEM_TYPES.validation,
    title: 'Invalid request',
    status: 400,
    detail:
      errors.map((error) => `${error.path}: ${error.message}`).join('; ') +
      (omitted > 0 ? `; and ${omitted} more issues not listed` : ''),
    errors,
  };
}

/**
 * What the mapping reads of a thrown value: the fields Fastify's errors carry (a code, a status, validation issues).
 * Structural, so the contract does not depend on the server framework.
 */
interface ThrownError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message?: string;
  readonly validation?: readonly ValidationIssue[];
  readonly validationContext?: string;
}

/** What a problem quotes of the request: the body limit, in a 413. */
export interface ProblemRequest {
  readonly routeOptions: { readonly bodyLimit: number };
}

/** Client errors Fastify raises itself, by code (https://fastify.dev/docs/latest/Reference/Errors/). */
const SAFE_CLIENT_ERRORS: Record<string, (request: ProblemRequest) => ProblemBody> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => ({
    type: PROBLEM_TYPES.malformedJson,
    title: 'Malformed JSON',
    status: 400,
    detail: 'The request body is not valid JSON.',
  }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => ({
    type: PROBLEM_TYPES.malformedJson,
    title: 'Malformed JSON',
    status: 400,
    detail: 'The content type is application/json but the body is empty.',
  }),
  FST_ERR_CTP_BODY_TOO_LARGE: (request) => ({
    type: PROBLEM_TYPES.bodyTooLarge,
    title: 'Request body too large',
    status: 413,
    detail: `The request body exceeds the limit of ${request.routeOptions.bodyLimit} bytes.`,
  }),
  // @fastify/under-pressure shedding load; it has already set the retry-after header.
  FST_UNDER_PRESSURE: () => ({
    type: PROBLEM_TYPES.overloaded,
    title: 'Service overloaded',
    status: 503,
    detail: 'The service is overloaded; retry after the number of seconds in the retry-after header.',
  }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => ({
    type: PROBLEM_TYPES.unsupportedMediaType,
    title: 'Unsupported media type',
    status: 415,
    detail: 'Send the body as application/json.',
  }),
};

/**
 * Maps any thrown value to the problem the client sees, in either shell: the core's errors, validation issues and the
 * server's own client errors keep their message; anything else is a generic 500. Pure apart from reading the error.
 */
export function problemFor(error: unknown, request: ProblemRequest): ProblemBody {
  if (error instanceof PlannerInputError) {
    return validationProblem(
      [{ instancePath: `/${error.field.split('.').join('/')}`, message: error.message }],
      'body',
    );
  }
  if (error instanceof InfeasibleError) {
    return {
      type: PROBLEM_TYPES.infeasible,
      title: 'Request cannot be satisfied',
      status: 422,
      detail: error.message,
      context: { ...error.detail },
    };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return {
      type: PROBLEM_TYPES.overloaded,
      title: 'Service overloaded',
      status: 503,
      detail: 'The work was stopped before it finished (the service is shutting down); retry.',
    };
  }
  const fastifyError = error as ThrownError | null;
  if (Array.isArray(fastifyError?.validation)) {
    return validationProblem(fastifyError.validation, fastifyError.validationContext);
  }
  const known = fastifyError?.code ? SAFE_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return known(request);
  const status = fastifyError?.statusCode;
  if (status === 429) {
    return {
      type: PROBLEM_TYPES.rateLimited,
      title: 'Too many requests',
      status,
      detail: fastifyError?.message ?? 'Rate limit exceeded.',
    };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Another client error raised by Fastify or a plugin: its message is not vetted, so say only the status.
    return {
      type: PROBLEM_TYPES.badRequest,
      title: statusTitle(status),
      status,
      detail: statusTitle(status),
    };
  }
  return {
    type: PROBLEM_TYPES.internal,
    title: 'Internal server error',
    status: 500,
    detail: 'The server failed to handle the request; quote the instance id when reporting it.',
  };
}
