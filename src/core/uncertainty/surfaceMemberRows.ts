/**
 * A caller's law's members at each of a plan's candidate configurations, computed only for the candidates that need
 * them (the ones that can win under some member, and the ones the plan describes) and each at most once: one buffer
 * per plan, a row per candidate, instead of an allocation per configuration and a second computation when a
 * candidate that decided the pick shares is then described.
 */

import type { SurfaceEnsemble } from './surfaceMembers.js';
import { surfaceMembersAt } from './surfaceMembers.js';

export interface MemberConfiguration {
  readonly flopsPerImage: number;
  readonly imagesSeen: number;
}

export class SurfaceMemberRows {
  readonly #ensemble: SurfaceEnsemble;
  readonly #configurations: readonly MemberConfiguration[];
  readonly #max: number;
  readonly #values: Float64Array;
  readonly #scratch: Float64Array;
  readonly #rows: (Float64Array | undefined)[];

  /** `max`: the law's physical maximum, as surfaceMembersAt holds members to it. */
  constructor(ensemble: SurfaceEnsemble, configurations: readonly MemberConfiguration[], max: number) {
    this.#ensemble = ensemble;
    this.#configurations = configurations;
    this.#max = max;
    this.#values = new Float64Array(configurations.length * ensemble.memberCount);
    this.#scratch = new Float64Array(ensemble.fits.leaveOneOut.length);
    this.#rows = new Array(configurations.length).fill(undefined);
  }

  /** Configuration i's members (surfaceMembersAt), computed on first request. */
  row(i: number): Float64Array {
    const found = this.#rows[i];
    if (found !== undefined) return found;
    const M = this.#ensemble.memberCount;
    const row = this.#values.subarray(i * M, (i + 1) * M);
    const { flopsPerImage, imagesSeen } = this.#configurations[i] as MemberConfiguration;
    const own = this.#ensemble;
    surfaceMembersAt(own, own.fits, own.models, flopsPerImage, imagesSeen, this.#max, row, this.#scratch);
    this.#rows[i] = row;
    return row;
  }

  /** The rows computed so far, by configuration (undefined where none was). */
  computed(): readonly (Float64Array | undefined)[] {
    return this.#rows;
  }
}
