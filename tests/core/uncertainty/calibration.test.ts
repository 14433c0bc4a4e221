/**
 * Calibration of the ensemble's intervals, tested rather than assumed. Oracle: synthetic runs drawn from a known
 * surface with known noise. The truth is the paper's additive Figure 2 surface; the design is Figure 2's (6 models x 6
 * epoch budgets); each run's loss carries a per-model error (sd 0.3 %, shared by the model's six runs, as a pipeline
 * or sweep would give) and a per-run error (sd 0.4 %), about the paper's own residual scatter. Each of 60 repeats is
 * fitted, refitted without each model, and turned into a 200-member ensemble exactly as the planner does
 * (lawEnsemble.ts); the 90 % intervals should hold the truth in 80-97 % of repeats.
 */
import { describe, expect, it } from 'vitest';
import { fittedAllocationExponents } from '../../../src/core/laws/allocation.js';
import { jftLossObservations } from '../../../src/core/laws/lossLaw.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import {
  fitSurface,
  leaveOneGroupOut,
  predictSurface,
  type SurfaceCoefficients,
} from '../../../src/core/laws/surface.js';
import { mixMembers, normalGenerator } from '../../../src/core/uncertainty/lawEnsemble.js';

const REPEATS = 60;
const MEMBERS = 200;
const LEVEL = 0.9;

describe('calibration on synthetic runs from a known surface (oracle: the surface that made them)', () => {
  it('90 % intervals on the epochs exponent and on held-out predictions hold the truth in 80-97 % of repeats', () => {
    const laws = fitPaperLaws();
    const truth = laws.jftLoss.selection.candidates.find((c) => c.candidate.id === 'additive')?.fit
      .coefficients as SurfaceCoefficients;
    const costLaw = { coefficient: 1, exponent: laws.costModel.familyCostLaw.exponent };
    const trueEpochsExponent = fittedAllocationExponents(truth, costLaw).epochs;
    const design = jftLossObservations();
    const models = [...new Set(design.map((o) => o.group as string))];
    // Held out: an untrained size inside the range (F5-like, 99 GFLOPs, 3 epochs) and F7+ at 16 epochs, twice the most.
    const heldOut = [
      { flopsPerImage: 98.7e9, imagesSeen: 3 * 4e9 },
      { flopsPerImage: 222.6e9, imagesSeen: 16 * 4e9 },
    ];
    const noise = normalGenerator(2023);
    const inside = (values: number[], x: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      const lo = sorted[Math.floor(((1 - LEVEL) / 2) * (sorted.length - 1))] as number;
      const hi = sorted[Math.ceil(((1 + LEVEL) / 2) * (sorted.length - 1))] as number;
      return lo <= x && x <= hi;
    };
    let exponentCovered = 0;
    const predictionCovered = heldOut.map(() => 0);
    for (let r = 0; r < REPEATS; r++) {
      const modelError = new Map(models.map((m) => [m, 0.003 * noise()]));
      const runs = design.map((o) => ({
        ...o,
        value:
          predictSurface(truth, o.flopsPerImage, o.imagesSeen) *
          Math.exp((modelError.get(o.group as string) as number) + 0.004 * noise()),
      }));
      const fit = fitSurface(runs).coefficients;
      const without = leaveOneGroupOut(runs);
      // The ensemble's weights: one standard normal per model and member (lawEnsemble.ts).
      const draws = normalGenerator(r + 1);
      const ensemble = {
        memberCount: MEMBERS,
        models,
        weights: Float64Array.from({ length: MEMBERS * models.length }, () => draws()),
      };
      const members = (quantity: (law: SurfaceCoefficients) => number) => {
        const out = new Float64Array(MEMBERS);
        mixMembers(
          ensemble,
          without.map((h) => h.heldOut),
          quantity(fit),
          without.map((h) => quantity(h.coefficients)),
          out,
        );
        return [...out];
      };
      if (
        inside(
          members((law) => fittedAllocationExponents(law, costLaw).epochs),
          trueEpochsExponent,
        )
      )
        exponentCovered++;
      heldOut.forEach((h, i) => {
        const values = members((law) => predictSurface(law, h.flopsPerImage, h.imagesSeen));
        if (inside(values, predictSurface(truth, h.flopsPerImage, h.imagesSeen)))
          predictionCovered[i] = (predictionCovered[i] as number) + 1;
      });
    }
    console.log(
      `calibration: epochs exponent ${exponentCovered}/${REPEATS}; held-out predictions ${predictionCovered.join(', ')} of ${REPEATS}`,
    );
    for (const covered of [exponentCovered, ...predictionCovered]) {
      expect(covered / REPEATS).toBeGreaterThanOrEqual(0.8);
      expect(covered / REPEATS).toBeLessThanOrEqual(0.97);
    }
  }, 120_000);
});
