/**
 * Planning against a stored profile is planning with a caller's `law`: the profile's version holds the POST /v1/fits
 * answer, and its `law` goes to the planner exactly as a client would send it (core/planner/customLaw.ts), so whatever
 * a plan with a custom law carries (intervals, once the fits answer gives the law an ensemble) a plan against a profile
 * carries too. Versions are immutable, so what a version resolves to is cached by (profile id, version): a plan pays one
 * indexed lookup for the latest version number and nothing else. A new version is a new key; a deleted profile's id
 * is never reused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { frozenLaw, type ProfileLaw, withProfileLaw, withProfileProvenance } from '../api/profileLaw.js';
import { parseProfileReference } from '../api/profileReference.js';
import type { CustomLaw } from '../core/planner/request.js';
import type { Scope } from '../storage/apiKeys.js';
import type { PrincipalWithProfile } from '../storage/store.js';
import { notFound } from './httpProblem.js';

export type { ProfileLaw };
export { withProfileLaw, withProfileProvenance };

export interface ProfilePlanning extends ProfileLaw {
  readonly profileId: string;
}

interface StoredFit {
  readonly law: CustomLaw & { readonly id: string };
  readonly datasetImages: number;
}

/** The law a fits answer hands to the planner: its `law`, verbatim, as a client would send it. */
export function lawOfFit(fit: { readonly law: CustomLaw }): CustomLaw {
  return fit.law;
}

/** Versions kept resolved; past it the cache starts again (each entry is a few hundred bytes). */
const CACHE_ENTRIES = 10_000;

export class ProfileLaws {
  readonly #cache = new Map<string, ProfilePlanning>();

  constructor(private readonly app: FastifyInstance) {}

  /** A version's planning, by the profile's id (a version of a deleted profile is never asked for again). */
  async version(profileId: string, name: string, version: number): Promise<ProfilePlanning | undefined> {
    const cached = this.#cache.get(`${profileId}@${version}`);
    if (cached !== undefined) return cached;
    const fitJson = await (await this.app.store()).versionFit(profileId, version);
    return fitJson === undefined ? undefined : this.planning(profileId, name, version, fitJson);
  }

  /** Parses the fit JSON of a version (once per version). */
  planning(profileId: string, name: string, version: number, fitJson: string): ProfilePlanning {
    const key = `${profileId}@${version}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const fit = JSON.parse(fitJson) as StoredFit;
    const law = frozenLaw(lawOfFit(fit));
    const planning: ProfilePlanning = {
      profileId,
      used: { name, version, lossLawId: law.id ?? fit.law.id },
      law,
      datasetImages: fit.datasetImages,
    };
    if (this.#cache.size >= CACHE_ENTRIES) this.#cache.clear();
    this.#cache.set(key, planning);
    return planning;
  }

  /** The profile version a reference names, for the request's team; 404 when the team has no such version. */
  async resolve(principal: PrincipalWithProfile, reference: string): Promise<ProfilePlanning> {
    const { name, version } = parseProfileReference(reference);
    // The head came with the key when authentication looked it up (one round trip); else it is read now.
    const head =
      principal.profileLookup?.name === name
        ? (principal.profileLookup.head ?? undefined)
        : await (await this.app.store()).profileHead(principal.teamId, name);
    if (head === undefined) throw notFound(`Your team has no profile named "${name}".`);
    const wanted = version ?? head.version;
    if (wanted > head.version)
      throw notFound(`Profile "${name}" has no version ${wanted}; its latest is ${head.version}.`);
    const planning = await this.version(head.id, name, wanted);
    if (planning === undefined) throw notFound(`Profile "${name}" has no version ${wanted}.`);
    return planning;
  }

  /** Authenticates and resolves in one step (one query), for the plan, target and evaluate routes. */
  async forRequest(
    request: FastifyRequest,
    reference: string,
    scope: Scope = 'read',
  ): Promise<ProfilePlanning> {
    const { name } = parseProfileReference(reference);
    return this.resolve(await this.app.authenticate(request, scope, name), reference);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly profileLaws: ProfileLaws;
  }
}
