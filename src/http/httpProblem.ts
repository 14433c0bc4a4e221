/**
 * Problems a route raises on purpose with a status of its own (401, 403, 404, 409, 412, 428, 422): the problem-details
 * handler sends the body as given, with the headers (WWW-Authenticate) the status calls for. Their types are the
 * contract's (src/api/access.ts).
 */
import { ACCESS_PROBLEM_TYPES } from '../api/access.js';

export { ACCESS_PROBLEM_TYPES };

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
