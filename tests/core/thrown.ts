/**
 * What a call throws, for the tests that check a refusal: its class, the field it names, its message and detail.
 */
import { expect } from 'vitest';
import { PlannerInputError } from '../../src/core/errors.js';

/** The error `run` throws; the test fails when it throws nothing. */
export function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return expect.unreachable('expected an error');
}

/** The PlannerInputError `run` throws, as [field, message]; the test fails on anything else. */
export function refusalOf(run: () => unknown): [string, string] {
  const error = thrownBy(run);
  expect(error).toBeInstanceOf(PlannerInputError);
  return [(error as PlannerInputError).field, error.message];
}
