/**
 * Every ensemble member's predictions for every NFNet variant, tabulated once on a grid of images seen, so that a
 * plan reads its intervals and pick shares by interpolation instead of mixing the jackknife's fits per candidate. A
 * member's prediction for one variant is a smooth function of ln D (a mix of power laws in D), so linear
 * interpolation on GRID_POINTS points is exact to far below the laws' own error (tests/core/uncertainty: under 1e-4
 * relative, a fortieth of the loss law's residual scatter). Values are stored as 32-bit floats (7 significant digits, 6.5 MB for the table and its sorted copy).
 */

import { NFNET_VARIANTS, type NfnetVariant } from '../architecture/variants.js';
import { FACTS } from '../dataset/facts.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import type { JackknifeFits, LawEnsemble } from './lawEnsemble.js';
import {
  MIN_MEMBER_PREDICTION,
  memberSummary,
  surfaceMembersAt,
  type WeightBounds,
  weightBounds,
} from './surfaceMembers.js';

/** Images seen from 1e4 (a few thousand images, far below any run the laws speak for) to 1e16 (past 1e9 core hours). */
export const GRID_MIN_LN_IMAGES = Math.log(1e4);
export const GRID_MAX_LN_IMAGES = Math.log(1e16);
export const GRID_POINTS = 256;
const STEP = (GRID_MAX_LN_IMAGES - GRID_MIN_LN_IMAGES) / (GRID_POINTS - 1);

export type GridLaw = 'jftLoss' | 'finetune';

/**
 * The physical range a member's prediction is held in (surfaceMembers.ts): a loss up to ln 30,000 (a uniform guess
 * over JFT-4B's classes), a top-1 error up to 100 - 0.1 (chance over ImageNet's 1,000).
 */
export const MAX_JFT_MEMBER_LOSS = Math.log(FACTS.jftClasses.value);

export interface PredictionGrid {
  readonly members: number;
  /** [variant][point][member]: member predictions (JFT loss, or top-1 error %). */
  readonly values: Readonly<Record<GridLaw, Float32Array>>;
  /** The same, each [variant][point] slice sorted, for quantiles. */
  readonly sorted: Readonly<Record<GridLaw, Float32Array>>;
  /** What each row's members are mixed from, so that rows can be compared without reading them (RowSummaries). */
  readonly summaries: Readonly<Record<GridLaw, RowSummaries>>;
  readonly variantIndex: ReadonlyMap<NfnetVariant, number>;
}

/**
 * A row's members are point + s sum_g w_mg deviation_g (mixMembers) unless one was held at a physical bound. Per
 * [variant][point]: the point prediction and the K jackknife deviations (`values`, K + 1 per row), and whether no
 * member was held (`linear`, 1 or 0); with the scale s and what bounds a mix of the weights (`weights`, its columns
 * in the order of the deviations).
 */
export interface RowSummaries {
  readonly deviationsPerRow: number;
  readonly values: Float64Array;
  readonly linear: Uint8Array;
  readonly scale: number;
  readonly weights: WeightBounds;
}

export function buildPredictionGrid(
  ensemble: LawEnsemble,
  flopsPerImage: Readonly<Record<NfnetVariant, number>>,
): PredictionGrid {
  const M = ensemble.memberCount;
  const size = NFNET_VARIANTS.length * GRID_POINTS * M;
  const table = (fits: JackknifeFits<SurfaceCoefficients>, max: number) => {
    const models = fits.leaveOneOut.map((f) => f.model);
    const K = models.length;
    const scratch = new Float64Array(K);
    const members = new Float64Array(M);
    const values = new Float32Array(size);
    const sorted = new Float32Array(size);
    const rows = NFNET_VARIANTS.length * GRID_POINTS;
    const summaryValues = new Float64Array(rows * (K + 1));
    const linear = new Uint8Array(rows);
    NFNET_VARIANTS.forEach((variant, v) => {
      const F = flopsPerImage[variant];
      for (let p = 0; p < GRID_POINTS; p++) {
        const D = Math.exp(GRID_MIN_LN_IMAGES + p * STEP);
        surfaceMembersAt(ensemble, fits, models, F, D, max, members, scratch);
        const row = v * GRID_POINTS + p;
        const offset = row * M;
        values.set(members, offset);
        const slice = sorted.subarray(offset, offset + M);
        slice.set(members);
        slice.sort();
        const summary = memberSummary(ensemble, fits, models, F, D, max);
        summaryValues[row * (K + 1)] = summary.point;
        summaryValues.set(summary.deviations, row * (K + 1) + 1);
        // Held members are exactly at a bound (surfaceMembersAt), in double precision, before the table rounds them.
        let lowest = Number.POSITIVE_INFINITY;
        let highest = Number.NEGATIVE_INFINITY;
        for (const member of members) {
          lowest = Math.min(lowest, member);
          highest = Math.max(highest, member);
        }
        linear[row] = lowest > MIN_MEMBER_PREDICTION && highest < max ? 1 : 0;
      }
    });
    const summaries: RowSummaries = {
      deviationsPerRow: K,
      values: summaryValues,
      linear,
      scale: Math.sqrt((K - 1) / K),
      weights: weightBounds(ensemble, models),
    };
    return { values, sorted, summaries };
  };
  const jft = table(ensemble.jftLoss, MAX_JFT_MEMBER_LOSS);
  const ft = table(ensemble.finetune, 100 - 100 / FACTS.imagenetClasses.value);
  return {
    members: M,
    values: { jftLoss: jft.values, finetune: ft.values },
    sorted: { jftLoss: jft.sorted, finetune: ft.sorted },
    summaries: { jftLoss: jft.summaries, finetune: ft.summaries },
    variantIndex: new Map(NFNET_VARIANTS.map((v, i) => [v, i])),
  };
}

/** Where ln D falls on the grid: the lower point and the fraction to the next (clamped to the grid's ends). */
export interface GridPosition {
  readonly point: number;
  readonly fraction: number;
}

export function gridPosition(lnImagesSeen: number): GridPosition {
  const x = (lnImagesSeen - GRID_MIN_LN_IMAGES) / STEP;
  if (!(x > 0)) return { point: 0, fraction: 0 };
  if (x >= GRID_POINTS - 1) return { point: GRID_POINTS - 2, fraction: 1 };
  const point = Math.floor(x);
  return { point, fraction: x - point };
}

/**
 * The p-quantile of the members' predictions for a variant at a position: the quantile of each bracketing grid
 * point (Hyndman & Fan 1996 definition 7 between order statistics), interpolated linearly in ln D.
 */
export function memberQuantile(
  grid: PredictionGrid,
  law: GridLaw,
  variant: number,
  at: GridPosition,
  p: number,
): number {
  const M = grid.members;
  const h = (M - 1) * p;
  const lo = Math.floor(h);
  const t = h - lo;
  const hi = Math.min(lo + 1, M - 1);
  const sorted = grid.sorted[law];
  const a = (variant * GRID_POINTS + at.point) * M;
  const b = a + M;
  const qa = (sorted[a + lo] as number) + t * ((sorted[a + hi] as number) - (sorted[a + lo] as number));
  const qb = (sorted[b + lo] as number) + t * ((sorted[b + hi] as number) - (sorted[b + lo] as number));
  return qa + at.fraction * (qb - qa);
}

/** Where a variant's members start at a position's lower grid point in PredictionGrid.values. */
export function memberOffset(grid: PredictionGrid, variant: number, at: GridPosition): number {
  return (variant * GRID_POINTS + at.point) * grid.members;
}

/** Adds each member's prediction for a variant at a position into `out` (length members), interpolated in ln D. */
export function memberValues(
  grid: PredictionGrid,
  law: GridLaw,
  variant: number,
  at: GridPosition,
  out: Float64Array,
): void {
  const M = grid.members;
  const values = grid.values[law];
  const a = (variant * GRID_POINTS + at.point) * M;
  const b = a + M;
  const f = at.fraction;
  for (let m = 0; m < M; m++) {
    const va = values[a + m] as number;
    out[m] = va + f * ((values[b + m] as number) - va);
  }
}
