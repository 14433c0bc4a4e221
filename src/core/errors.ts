/**
 * The core's two failure kinds. The HTTP layer maps PlannerInputError to 400 and InfeasibleError to 422; the CLI maps
 * both to exit code 2. Messages are written for a person and name the offending field.
 */

/** A value the caller sent is malformed or out of range. `field` is a dotted path such as "budget.amount". */
export class PlannerInputError extends Error {
  override readonly name = 'PlannerInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request is well-formed but cannot be satisfied (no variant fits the constraints, a target is unreachable). */
export class InfeasibleError extends Error {
  override readonly name = 'InfeasibleError';
  constructor(
    message: string,
    /** Machine-readable detail, e.g. the reachable limit of a target. */
    readonly detail: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
