/**
 * A profile's law as a plan, target or evaluation uses it: plain data (it crosses to the worker threads), put into the
 * request as its `law` and named in the answer's provenance. The HTTP shell resolves which version a request means
 * (src/http/profileLaws.ts); these pure steps are shared by it and by the worker threads.
 */
import { PlannerInputError } from '../core/errors.js';
import type { CustomLaw } from '../core/planner/request.js';
import type { ProfileUsed } from './profileReference.js';

/** What a plan against a profile version needs; plain data, so it crosses to a worker thread. */
export interface ProfileLaw {
  readonly used: ProfileUsed;
  /** The law the version's fit returned, sent to the planner as PlanRequest.law. One object per version. */
  readonly law: CustomLaw;
  /** Images per epoch of the profile's runs: the default dataset of its plans (epochs are epochs of it). */
  readonly datasetImages: number | undefined;
}

/**
 * The law frozen, and everything in it: a version's law never changes, and the planner checks a deeply frozen law once
 * and reuses what it derived from it (core/planner/customLaw.ts).
 */
export function frozenLaw(law: CustomLaw): CustomLaw {
  const freeze = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
    Object.freeze(value);
    for (const inner of Object.values(value)) freeze(inner);
  };
  freeze(law);
  return law;
}

interface LawRequest {
  readonly law?: CustomLaw | undefined;
  readonly constraints?: { readonly datasetImages?: number | undefined } | undefined;
}

/**
 * The request with the profile's law as its `law`, and the profile's dataset as its default dataset. A request that
 * names both a profile and a law is refused: which surface to plan with would be a guess.
 */
export function withProfileLaw<R extends LawRequest>(request: R, profile: ProfileLaw): R {
  if (request.law !== undefined)
    throw new PlannerInputError('law', 'give either law or profile, not both: the profile holds a law');
  const datasetImages = request.constraints?.datasetImages ?? profile.datasetImages;
  return {
    ...request,
    law: profile.law,
    ...(datasetImages === undefined ? {} : { constraints: { ...request.constraints, datasetImages } }),
  };
}

/** The planner's answer, saying which profile version it used. */
export function withProfileProvenance<T extends { readonly provenance: object }>(
  result: T,
  profile: ProfileLaw,
): T {
  return { ...result, provenance: { ...result.provenance, profile: profile.used } };
}
