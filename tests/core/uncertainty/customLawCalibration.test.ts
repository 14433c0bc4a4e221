/**
 * Calibration of a caller's law's intervals, end to end: runs -> POST /v1/fits's core (fitRuns, whose `law` carries
 * the jackknife fits) -> plan() with that law. Oracle: synthetic runs drawn from a known surface with known noise, as
 * calibration.test.ts does for the paper's laws: the paper's additive Figure 2 surface, Figure 2's design (6 models x
 * 6 epoch budgets), a per-model error (sd 0.3 %, shared by the model's runs) and a per-run error (sd 0.4 %). Each of
 * 60 repeats is fitted and planned at two held-out configurations: F5 (a size no run trained) at 3 epochs, and F7+ at
 * 16 epochs (twice the longest run). The plan's 90 % confidence interval on the JFT loss should hold the true surface's
 * value in 80-97 % of repeats.
 */
import { describe, expect, it } from 'vitest';
import { fitRuns } from '../../../src/core/fits/fitRuns.js';
import { jftLossObservations } from '../../../src/core/laws/lossLaw.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { predictSurface, type SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import { createPlannerContext } from '../../../src/core/planner/context.js';
import { plan } from '../../../src/core/planner/plan.js';
import { fitLawEnsemble, normalGenerator } from '../../../src/core/uncertainty/lawEnsemble.js';

const REPEATS = 60;

describe("calibration of a caller's law's intervals (oracle: the surface that made the runs)", () => {
  it('90 % confidence intervals on held-out plans hold the truth in 80-97 % of repeats', () => {
    const laws = fitPaperLaws();
    const context = createPlannerContext(laws, fitLawEnsemble(laws));
    const truth = laws.jftLoss.selection.candidates.find((c) => c.candidate.id === 'additive')?.fit
      .coefficients as SurfaceCoefficients;
    const design = jftLossObservations();
    const models = [...new Set(design.map((o) => o.group as string))];
    const heldOut = [
      { model: 'F5', epochs: 3 },
      { model: 'F7+', epochs: 16 },
    ] as const;
    const noise = normalGenerator(2024);
    const covered = heldOut.map(() => 0);
    for (let r = 0; r < REPEATS; r++) {
      const modelError = new Map(models.map((m) => [m, 0.003 * noise()]));
      const runs = design.map((o) => ({
        model: o.group as string,
        imagesSeen: o.imagesSeen,
        loss:
          predictSurface(truth, o.flopsPerImage, o.imagesSeen) *
          Math.exp((modelError.get(o.group as string) as number) + 0.004 * noise()),
      }));
      const { law } = fitRuns({ runs }, laws.costModel);
      expect(law.ensemble?.leaveOneModelOut).toHaveLength(models.length);
      heldOut.forEach((h, i) => {
        const model = context.byName[h.model];
        // One model allowed and the budget of exactly h.epochs of it: the plan's recommendation is that run.
        const p = plan(context, {
          budget: { amount: h.epochs * model.costPerEpochTpuV4CoreHours, unit: 'tpu_v4_core_hours' },
          constraints: { models: [h.model] },
          law,
        });
        expect(p.recommendation.epochs).toBeCloseTo(h.epochs, 9);
        const interval = p.recommendation.predicted.jftValidationLossConfidenceInterval;
        if (interval === undefined) throw new Error('a plan with a fitted law carries intervals');
        const value = predictSurface(truth, model.flopsPerImage, h.epochs * 4e9);
        if (interval.lower <= value && value <= interval.upper) covered[i] = (covered[i] as number) + 1;
      });
    }
    console.log(
      `caller's law calibration: F5 at 3 epochs ${covered[0]}/${REPEATS}, F7+ at 16 epochs ${covered[1]}/${REPEATS}`,
    );
    for (const count of covered) {
      expect(count / REPEATS).toBeGreaterThanOrEqual(0.8);
      expect(count / REPEATS).toBeLessThanOrEqual(0.97);
    }
  }, 120_000);
});
