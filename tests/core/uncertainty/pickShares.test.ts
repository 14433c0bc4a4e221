// Oracle: every candidate's members read from the table (memberValues) and the winner taken member by member, with
// no candidate ruled out. pickShares skips candidates by the row summaries and the quantile ceiling; the shares must
// be exactly the same, for candidates anywhere on the grid (held rows included, at the ends of its range).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NFNET_VARIANTS } from '../../../src/core/architecture/variants.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../../src/core/planner/context.js';
import { fitLawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';
import { pickShares, pickSharesOfMembers } from '../../../src/core/uncertainty/pickShares.js';
import { type GridLaw, gridPosition, memberValues } from '../../../src/core/uncertainty/predictionGrid.js';

let context: PlannerContext;
beforeAll(() => {
  const laws = fitPaperLaws();
  context = createPlannerContext(laws, fitLawEnsemble(laws));
});

const candidate = fc.record({
  variant: fc.integer({ min: 0, max: NFNET_VARIANTS.length - 1 }),
  // From below the grid (1e4 images) to past it (1e16), where members are held at their bounds.
  lnImagesSeen: fc.double({ min: Math.log(1e3), max: Math.log(1e17), noNaN: true }),
});

describe('pickShares', () => {
  it('equals the shares of every candidate read member by member (1,000 random sets, both laws)', () => {
    const grid = context.uncertainty?.grid;
    if (grid === undefined) throw new Error('no grid');
    let skippedSomewhere = false;
    fc.assert(
      fc.property(
        fc.constantFrom<GridLaw>('jftLoss', 'finetune'),
        fc.array(candidate, { minLength: 1, maxLength: 16 }),
        (law, drawn) => {
          const candidates = drawn.map((c) => ({ variant: c.variant, imagesSeen: Math.exp(c.lnImagesSeen) }));
          const rows = candidates.map((c) => {
            const out = new Float64Array(grid.members);
            memberValues(grid, law, c.variant, gridPosition(Math.log(c.imagesSeen)), out);
            return out;
          });
          const shares = pickShares(grid, law, candidates);
          expect(shares).toEqual(pickSharesOfMembers(rows));
          if (shares.some((s) => s === 0)) skippedSomewhere = true;
        },
      ),
      { numRuns: 1_000 },
    );
    expect(skippedSomewhere).toBe(true);
  });

  it('keeps the earlier of two candidates whose members are equal (the same variant and images seen twice)', () => {
    const grid = context.uncertainty?.grid;
    if (grid === undefined) throw new Error('no grid');
    const same = { variant: 3, imagesSeen: 4e9 };
    expect([...pickShares(grid, 'jftLoss', [same, same])]).toEqual([1, 0]);
  });
});
