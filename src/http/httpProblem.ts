/**
 * Problems a route raises on purpose with a status of its own (401, 403, 404, 409, 412, 428, 422): the problem-details
 * handler sends the body as given, with the headers (WWW-Authenticate) the status calls for.
 */
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

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly context?: Record<string, unknown>,
  ) {
    super(detail);
  }
}

/** 404 for what the caller's team does not have, whether or not another team has it. */
export function notFound(detail: string): HttpProblem {
  return new HttpProblem(404, ACCESS_PROBLEM_TYPES.notFound, 'Not found', detail);
}
