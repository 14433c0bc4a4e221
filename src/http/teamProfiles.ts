/**
 * What the profile, outcome and calibration routes share: the request's team and the profile it names, a refit on the
 * worker threads, and the problems they answer with. Every one of these routes needs a key of the profile's team;
 * another team's profile is a 404, as one that does not exist.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RunInput } from '../core/fits/runs.js';
import type { Principal, Store } from '../storage/store.js';
import { ACCESS_PROBLEM_TYPES, HttpProblem, notFound } from './httpProblem.js';

/** What a version was fitted from, as stored. */
export interface CalibrationInput {
  readonly description?: string | undefined;
  readonly runs: readonly RunInput[];
  readonly datasetImages?: number | undefined;
  readonly bootstrap?:
    | { readonly samples?: number | undefined; readonly seed?: number | undefined }
    | undefined;
}

/** The request's team, with the scope its route names (config.scope). */
export function teamOf(app: FastifyInstance, request: FastifyRequest): Promise<Principal> {
  return app.authenticate(request, request.routeOptions.config.scope ?? 'read');
}

/** The team's profile of that name at its latest version, with the store; a 404 when the team has none. */
export async function teamProfileHead(
  app: FastifyInstance,
  principal: Principal,
  name: string,
): Promise<{ store: Store; head: { id: string; version: number } }> {
  const store = await app.store();
  const head = await store.profileHead(principal.teamId, name);
  if (head === undefined) throw noProfile(name);
  return { store, head };
}

/** Fits the runs on a worker thread; the JSON of the POST /v1/fits answer, or its 400/422. */
export async function fitOnWorker(app: FastifyInstance, input: CalibrationInput): Promise<string> {
  const { description: _description, ...body } = input;
  // The pool answers with the body's JSON, as text or as its UTF-8 bytes: stored as text either way.
  return String(await app.heavyWork.run({ kind: 'fit', body }));
}

export function noProfile(name: string): HttpProblem {
  return notFound(`Your team has no profile named "${name}".`);
}

/** 412: another update made a newer version first. */
export function stale(latestVersion: number | undefined): HttpProblem {
  return new HttpProblem(
    412,
    ACCESS_PROBLEM_TYPES.preconditionFailed,
    'Precondition failed',
    `The profile changed since that ETag${latestVersion === undefined ? '' : `: it is at version ${latestVersion}`}. GET it again, then retry.`,
  );
}
