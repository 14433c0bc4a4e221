// Oracles: the members themselves (surfaceMembersAt) must lie inside the bounds computed without them, for surfaces
// drawn at random; and the pick shares found with only the candidates that can win must equal those from every
// candidate's members, since a candidate ruled out wins under no member. The members a plan mixes from a candidate's
// summary (SurfaceMemberRows) must be surfaceMembersAt's to the last bit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import { ENSEMBLE_MEMBERS, ENSEMBLE_SEED, memberWeights } from '../../../src/core/uncertainty/lawEnsemble.js';
import { pickSharesOfMembers } from '../../../src/core/uncertainty/pickShares.js';
import { SurfaceMemberRows } from '../../../src/core/uncertainty/surfaceMemberRows.js';
import {
  configurationsThatCanWin,
  memberSummary,
  type SurfaceEnsemble,
  surfaceMembersAt,
} from '../../../src/core/uncertainty/surfaceMembers.js';

const MAX_LOSS = Math.log(30_000);

const coefficients = fc.record({
  E: fc.double({ min: 0.5, max: 3, noNaN: true }),
  A: fc.double({ min: 10, max: 1e6, noNaN: true }),
  B: fc.double({ min: 10, max: 1e5, noNaN: true }),
  alpha: fc.double({ min: 0.1, max: 0.8, noNaN: true }),
  beta: fc.double({ min: 0.1, max: 0.8, noNaN: true }),
});

/** A point law and its leave-one-model-out refits, each coefficient moved by up to +-30 %. */
const ensemble = fc
  .tuple(
    coefficients,
    fc.integer({ min: 4, max: 12 }),
    fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), {
      minLength: 12 * 5,
      maxLength: 12 * 5,
    }),
  )
  .map(([point, sizes, moves]): SurfaceEnsemble => {
    const models = Array.from({ length: sizes }, (_, g) => `size${g}`);
    const keys = ['E', 'A', 'B', 'alpha', 'beta'] as const;
    const leaveOneOut = models.map((model, g) => {
      const law = { ...point } as Record<(typeof keys)[number], number>;
      keys.forEach((k, j) => {
        law[k] = point[k] * (1 + (moves[g * 5 + j] as number));
      });
      return { model, law: law as SurfaceCoefficients };
    });
    return {
      seed: ENSEMBLE_SEED,
      memberCount: ENSEMBLE_MEMBERS,
      models,
      weights: memberWeights(ENSEMBLE_SEED, ENSEMBLE_MEMBERS, sizes),
      fits: { point, leaveOneOut },
      residualLogSd: 0.01,
      resampling: 'test',
    };
  });

const configuration = fc.record({
  flopsPerImage: fc.double({ min: 1e9, max: 1e12, noNaN: true }),
  imagesSeen: fc.double({ min: 1e8, max: 1e12, noNaN: true }),
});

const membersAt = (own: SurfaceEnsemble, c: { flopsPerImage: number; imagesSeen: number }) => {
  const out = new Float64Array(own.memberCount);
  surfaceMembersAt(own, own.fits, own.models, c.flopsPerImage, c.imagesSeen, MAX_LOSS, out);
  return out;
};
const summaryAt = (own: SurfaceEnsemble, c: { flopsPerImage: number; imagesSeen: number }) =>
  memberSummary(own, own.fits, own.models, c.flopsPerImage, c.imagesSeen, MAX_LOSS);

describe('memberSummary and configurationsThatCanWin', () => {
  it('holds every member of surfaceMembersAt (2,000 random surfaces and configurations)', () => {
    fc.assert(
      fc.property(ensemble, configuration, (own, c) => {
        const { lower, upper } = summaryAt(own, c);
        for (const member of membersAt(own, c)) {
          expect(member).toBeGreaterThanOrEqual(lower);
          expect(member).toBeLessThanOrEqual(upper);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("SurfaceMemberRows mixes each row from its summary into surfaceMembersAt's members, bit for bit (2,000 cases)", () => {
    let held = 0;
    fc.assert(
      fc.property(ensemble, fc.array(configuration, { minLength: 1, maxLength: 4 }), (own, candidates) => {
        const rows = new SurfaceMemberRows(own, candidates, MAX_LOSS);
        candidates.forEach((c, i) => {
          const expected = membersAt(own, c);
          held += expected.filter((m) => m === MAX_LOSS).length;
          expect(Array.from(rows.row(i), (m, k) => Object.is(m, expected[k]))).not.toContain(false);
          expect(rows.summary(i)).toEqual(summaryAt(own, c));
        });
      }),
      { numRuns: 2_000 },
    );
    // Held members take part: some rows reach the maximum a member is held to.
    expect(held).toBeGreaterThan(0);
  });

  it('ruling candidates out leaves the pick shares unchanged (1,000 random sets of 2-16 candidates)', () => {
    let ruledOut = 0;
    fc.assert(
      fc.property(ensemble, fc.array(configuration, { minLength: 2, maxLength: 16 }), (own, candidates) => {
        const canWin = configurationsThatCanWin(
          own,
          own.models,
          candidates.map((c) => summaryAt(own, c)),
          MAX_LOSS,
        );
        const all = candidates.map((c) => membersAt(own, c));
        const some = candidates.map((c, i) => (canWin[i] ? membersAt(own, c) : undefined));
        ruledOut += canWin.filter((x) => !x).length;
        expect(pickSharesOfMembers(some)).toEqual(pickSharesOfMembers(all));
      }),
      { numRuns: 1_000 },
    );
    // The check is not vacuous: most random candidates are ruled out.
    expect(ruledOut).toBeGreaterThan(1_000);
  });

  it('keeps a candidate held at the maximum when a later one, lower before holding, ties with it there', () => {
    // Refits equal to the point fit: every member is the point prediction, so the later candidate (lower loss) is
    // lower under every member before holding; but both are held at MAX_LOSS, a tie the earlier one wins.
    const point = { E: 20, A: 1e4, B: 1e4, alpha: 0.5, beta: 0.5 };
    const models = ['a', 'b', 'c', 'd'];
    const own: SurfaceEnsemble = {
      seed: ENSEMBLE_SEED,
      memberCount: ENSEMBLE_MEMBERS,
      models,
      weights: memberWeights(ENSEMBLE_SEED, ENSEMBLE_MEMBERS, models.length),
      fits: { point, leaveOneOut: models.map((model) => ({ model, law: point })) },
      residualLogSd: 0.01,
      resampling: 'test',
    };
    const candidates = [
      { flopsPerImage: 1e9, imagesSeen: 1e8 },
      { flopsPerImage: 1e9, imagesSeen: 1e9 },
    ];
    const summaries = candidates.map((c) => summaryAt(own, c));
    expect((summaries[1] as { point: number }).point).toBeLessThan((summaries[0] as { point: number }).point);
    const all = candidates.map((c) => membersAt(own, c));
    expect(all.every((row) => row.every((m) => m === MAX_LOSS))).toBe(true);
    expect(configurationsThatCanWin(own, own.models, summaries, MAX_LOSS)[0]).toBe(true);
    expect(pickSharesOfMembers(all)).toEqual(Float64Array.from([1, 0]));
  });
});
