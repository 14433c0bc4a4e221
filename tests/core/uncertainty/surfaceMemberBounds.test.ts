// Oracles: the members themselves (surfaceMembersAt) must lie inside the bounds computed without them, for surfaces
// drawn at random; and the pick shares found with the pruned candidates must equal those from every candidate's
// members, since a pruned candidate wins under no member.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import { ENSEMBLE_MEMBERS, ENSEMBLE_SEED, memberWeights } from '../../../src/core/uncertainty/lawEnsemble.js';
import { pickSharesOfMembers } from '../../../src/core/uncertainty/pickShares.js';
import {
  type SurfaceEnsemble,
  surfaceMemberBounds,
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
const boundsAt = (own: SurfaceEnsemble, c: { flopsPerImage: number; imagesSeen: number }) =>
  surfaceMemberBounds(own, own.fits, own.models, c.flopsPerImage, c.imagesSeen, MAX_LOSS);

describe('surfaceMemberBounds', () => {
  it('holds every member of surfaceMembersAt (2,000 random surfaces and configurations)', () => {
    fc.assert(
      fc.property(ensemble, configuration, (own, c) => {
        const { lower, upper } = boundsAt(own, c);
        for (const member of membersAt(own, c)) {
          expect(member).toBeGreaterThanOrEqual(lower);
          expect(member).toBeLessThanOrEqual(upper);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('pruning by the bounds leaves the pick shares unchanged (500 random sets of 2-16 candidates)', () => {
    fc.assert(
      fc.property(ensemble, fc.array(configuration, { minLength: 2, maxLength: 16 }), (own, candidates) => {
        const bounds = candidates.map((c) => boundsAt(own, c));
        const ceiling = Math.min(...bounds.map((b) => b.upper));
        const all = candidates.map((c) => membersAt(own, c));
        const pruned = candidates.map((c, i) =>
          (bounds[i] as { lower: number }).lower <= ceiling ? membersAt(own, c) : undefined,
        );
        expect(pickSharesOfMembers(pruned)).toEqual(pickSharesOfMembers(all));
      }),
      { numRuns: 500 },
    );
  });
});
