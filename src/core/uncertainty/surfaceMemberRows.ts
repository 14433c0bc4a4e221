/**
 * A caller's law's members at each of a plan's candidate configurations, computed only for the candidates that need
 * them (the ones that can win under some member, and the ones the plan describes) and each at most once: one buffer
 * per plan, a row per candidate, instead of an allocation per configuration and a second computation when a
 * candidate that decided the pick shares is then described. A row is mixed from the candidate's summary (the fits'
 * predictions there), which the pick shares compare first, so no fit predicts a configuration twice.
 */

import { type MemberSummary, memberSummary, mixSummary, type SurfaceEnsemble } from './surfaceMembers.js';

export interface MemberConfiguration {
  readonly flopsPerImage: number;
  readonly imagesSeen: number;
}

export class SurfaceMemberRows {
  readonly #ensemble: SurfaceEnsemble;
  readonly #configurations: readonly MemberConfiguration[];
  readonly #max: number;
  readonly #values: Float64Array;
  readonly #summaries: (MemberSummary | undefined)[];
  readonly #rows: (Float64Array | undefined)[];

  /** `max`: the law's physical maximum, as surfaceMembersAt holds members to it. */
  constructor(ensemble: SurfaceEnsemble, configurations: readonly MemberConfiguration[], max: number) {
    this.#ensemble = ensemble;
    this.#configurations = configurations;
    this.#max = max;
    this.#values = new Float64Array(configurations.length * ensemble.memberCount);
    this.#summaries = new Array(configurations.length).fill(undefined);
    this.#rows = new Array(configurations.length).fill(undefined);
  }

  /** Configuration i's memberSummary, computed on first request. */
  summary(i: number): MemberSummary {
    const found = this.#summaries[i];
    if (found !== undefined) return found;
    const { flopsPerImage, imagesSeen } = this.#configurations[i] as MemberConfiguration;
    const own = this.#ensemble;
    const summary = memberSummary(own, own.fits, own.models, flopsPerImage, imagesSeen, this.#max);
    this.#summaries[i] = summary;
    return summary;
  }

  /** Configuration i's members (surfaceMembersAt's, to the last bit), computed on first request. */
  row(i: number): Float64Array {
    const found = this.#rows[i];
    if (found !== undefined) return found;
    const M = this.#ensemble.memberCount;
    const row = this.#values.subarray(i * M, (i + 1) * M);
    mixSummary(this.#ensemble, this.#ensemble.models, this.summary(i), this.#max, row);
    this.#rows[i] = row;
    return row;
  }

  /** The rows computed so far, by configuration (undefined where none was). */
  computed(): readonly (Float64Array | undefined)[] {
    return this.#rows;
  }
}
