/**
 * The members' prediction table (predictionGrid.ts). Oracles: surfaceMembersAt and memberSummary evaluated directly at
 * each grid point (the table must hold them, to 32-bit rounding), sorting and Hyndman & Fan's definition 7 done here,
 * linear interpolation written out, and the grid's geometry (256 points from ln 1e4 to ln 1e16) worked by hand. A small
 * ensemble (8 members) keeps the table quick to build in each test.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { NFNET_VARIANTS, type NfnetVariant } from '../../../src/core/architecture/variants.js';
import { fitPaperLaws, type PaperLaws } from '../../../src/core/laws/paperLaws.js';
import { fitLawEnsemble, type LawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';
import {
  buildPredictionGrid,
  GRID_MAX_LN_IMAGES,
  GRID_MIN_LN_IMAGES,
  GRID_POINTS,
  gridPosition,
  MAX_JFT_MEMBER_LOSS,
  memberQuantile,
  memberValues,
} from '../../../src/core/uncertainty/predictionGrid.js';
import {
  MIN_MEMBER_PREDICTION,
  memberSummary,
  surfaceMembersAt,
} from '../../../src/core/uncertainty/surfaceMembers.js';

const STEP = (GRID_MAX_LN_IMAGES - GRID_MIN_LN_IMAGES) / (GRID_POINTS - 1);
const MAX_TOP1_ERROR = 100 - 100 / 1000;

describe('gridPosition (hand-worked on 256 points from ln 1e4 to ln 1e16)', () => {
  it('finds the lower point and the fraction to the next, and clamps at both ends', () => {
    expect(gridPosition(GRID_MIN_LN_IMAGES + 10.25 * STEP)).toEqual({
      point: 10,
      fraction: expect.closeTo(0.25, 9),
    });
    expect(gridPosition(GRID_MIN_LN_IMAGES)).toEqual({ point: 0, fraction: 0 });
    expect(gridPosition(Math.log(10))).toEqual({ point: 0, fraction: 0 });
    expect(gridPosition(GRID_MAX_LN_IMAGES)).toEqual({ point: 254, fraction: 1 });
    expect(gridPosition(Math.log(1e20))).toEqual({ point: 254, fraction: 1 });
    expect(gridPosition(GRID_MIN_LN_IMAGES + 254.5 * STEP)).toEqual({
      point: 254,
      fraction: expect.closeTo(0.5, 9),
    });
  });
});

describe('buildPredictionGrid', () => {
  let laws: PaperLaws;
  let ensemble: LawEnsemble;
  let flops: Record<NfnetVariant, number>;
  beforeEach(() => {
    laws = fitPaperLaws();
    ensemble = fitLawEnsemble(laws, { members: 8 });
    flops = Object.fromEntries(
      NFNET_VARIANTS.map((v) => [v, laws.costModel.byVariant[v].flopsPerImage]),
    ) as Record<NfnetVariant, number>;
  });

  it('holds each member’s prediction at each point, a sorted copy, and what each row is mixed from', () => {
    const grid = buildPredictionGrid(ensemble, flops);
    const M = 8;
    expect(grid.members).toBe(M);
    for (const [law, fits, max] of [
      ['jftLoss', ensemble.jftLoss, MAX_JFT_MEMBER_LOSS],
      ['finetune', ensemble.finetune, MAX_TOP1_ERROR],
    ] as const) {
      const models = fits.leaveOneOut.map((f) => f.model);
      const K = models.length;
      const summaries = grid.summaries[law];
      expect(summaries.deviationsPerRow).toBe(K);
      expect(summaries.scale).toBeCloseTo(Math.sqrt((K - 1) / K), 15);
      for (const variant of ['F0', 'F3+', 'F7+'] as const) {
        const v = grid.variantIndex.get(variant) as number;
        expect(NFNET_VARIANTS[v]).toBe(variant);
        for (const p of [0, 97, 255]) {
          const D = Math.exp(GRID_MIN_LN_IMAGES + p * STEP);
          const members = new Float64Array(M);
          surfaceMembersAt(ensemble, fits, models, flops[variant], D, max, members);
          const row = (v * GRID_POINTS + p) * M;
          const stored = grid.values[law].subarray(row, row + M);
          expect([...stored]).toEqual([...members].map(Math.fround));
          expect([...grid.sorted[law].subarray(row, row + M)]).toEqual([...stored].sort((x, y) => x - y));
          const summary = memberSummary(ensemble, fits, models, flops[variant], D, max);
          const at = (v * GRID_POINTS + p) * (K + 1);
          expect(summaries.values[at]).toBe(summary.point);
          expect([...summaries.values.subarray(at + 1, at + 1 + K)]).toEqual([...summary.deviations]);
          const free = Math.min(...members) > MIN_MEMBER_PREDICTION && Math.max(...members) < max;
          expect(summaries.linear[v * GRID_POINTS + p]).toBe(free ? 1 : 0);
        }
      }
    }
  });

  it('marks exactly the rows holding a member at a bound as not linear, and some rows are', () => {
    const grid = buildPredictionGrid(ensemble, flops);
    let held = 0;
    for (const [law, max] of [
      ['jftLoss', MAX_JFT_MEMBER_LOSS],
      ['finetune', MAX_TOP1_ERROR],
    ] as const) {
      const bounds = new Set([Math.fround(MIN_MEMBER_PREDICTION), Math.fround(max)]);
      for (let row = 0; row < NFNET_VARIANTS.length * GRID_POINTS; row++) {
        const members = grid.values[law].subarray(row * 8, row * 8 + 8);
        const atBound = members.some((x) => bounds.has(x));
        expect(grid.summaries[law].linear[row]).toBe(atBound ? 0 : 1);
        if (atBound) held++;
      }
    }
    expect(held).toBeGreaterThan(0);
  });

  it('reads members and quantiles between two points by linear interpolation (definition 7 at each point)', () => {
    const grid = buildPredictionGrid(ensemble, flops);
    const v = grid.variantIndex.get('F3') as number;
    const at = { point: 120, fraction: 0.25 };
    const lower = grid.values.jftLoss.subarray((v * GRID_POINTS + 120) * 8, (v * GRID_POINTS + 121) * 8);
    const upper = grid.values.jftLoss.subarray((v * GRID_POINTS + 121) * 8, (v * GRID_POINTS + 122) * 8);
    const out = new Float64Array(8);
    memberValues(grid, 'jftLoss', v, at, out);
    for (const [m, x] of out.entries())
      expect(x).toBeCloseTo((lower[m] as number) + 0.25 * ((upper[m] as number) - (lower[m] as number)), 12);
    const q = (row: Float32Array, p: number) => {
      const s = [...row].sort((x, y) => x - y);
      const h = 7 * p;
      const lo = Math.floor(h);
      return (s[lo] as number) + (h - lo) * ((s[Math.min(lo + 1, 7)] as number) - (s[lo] as number));
    };
    for (const p of [0.05, 0.5, 0.95]) {
      const expected = q(lower, p) + 0.25 * (q(upper, p) - q(lower, p));
      expect(memberQuantile(grid, 'jftLoss', v, at, p)).toBeCloseTo(expected, 12);
    }
  });
});
