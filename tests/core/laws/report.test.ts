/**
 * lawsReport, what GET /v1/laws serves and `scaleplan laws` prints: a view of the fitted laws. Oracles: the fitted laws
 * it views (each field must be theirs), the closed-form allocation exponents worked by hand from the fitted
 * coefficients (beta / (alpha + g beta) and so on), the stated equal-rate rule (0.5 and 0.5, 1 epoch at 5,000 core
 * hours), and the cost law's own statement that the mid-line coefficient is the geometric mean of the two families'.
 * The laws are fitted in each test, not at collection.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fitPaperLaws, type PaperLaws } from '../../../src/core/laws/paperLaws.js';
import { lawsReport } from '../../../src/core/laws/report.js';
import { fitLawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';

let laws: PaperLaws;
beforeEach(() => {
  laws = fitPaperLaws();
});

describe('lawsReport: each law as fitted', () => {
  it('reports both surfaces with their coefficients, quality, leave-one-model-out errors and selection', () => {
    const report = lawsReport(laws);
    for (const key of ['jftLoss', 'finetune'] as const) {
      const law = laws[key];
      const shown = report[key];
      expect(shown).toMatchObject({
        id: law.id,
        form: law.form,
        formula: law.formula,
        coefficients: law.coefficients,
        units: law.units,
        quality: law.quality,
        provenance: law.provenance,
      });
      expect(shown.leaveOneModelOut).toEqual(
        law.leaveOneModelOut.map((h) => ({
          heldOut: h.heldOut,
          rmseRelative: h.heldOutQuality.rmseRelative,
          maxRelativeError: h.heldOutQuality.maxRelativeError,
        })),
      );
      expect(shown.selection.rule).toBe(law.selection.rule);
      expect(shown.selection.rolloutHeldOut).toBe(law.selection.rolloutHeldOut);
      expect(shown.selection.selected).toBe(law.selection.selected);
      expect(shown.selection.candidates.map((c) => c.id)).toEqual(
        law.selection.candidates.map((c) => c.candidate.id),
      );
      // Exactly one candidate is marked, the selected one, and each carries its own fit and scores.
      expect(shown.selection.candidates.filter((c) => c.selected).map((c) => c.id)).toEqual([
        law.selection.selected,
      ]);
      shown.selection.candidates.forEach((c, i) => {
        const own = law.selection.candidates[i];
        expect(c).toEqual({
          id: own?.candidate.id,
          formula: own?.candidate.formula,
          weighting: own?.candidate.weighting,
          source: own?.candidate.source,
          coefficients: own?.fit.coefficients,
          quality: own?.fit.quality,
          leaveOneModelOutRmseRelative: own?.leaveOneModelOutRmseRelative,
          rolloutRmseRelative: own?.rolloutRmseRelative,
          score: own?.score,
          selected: own?.candidate.id === law.selection.selected,
        });
      });
    }
  });

  it('reports the cost law per family, its mid-line the geometric mean of the two coefficients', () => {
    const { costModel } = lawsReport(laws);
    const family = laws.costModel.familyCostLaw;
    expect(costModel.id).toBe('cost_per_epoch');
    expect(costModel.coefficients.cDeep).toBe(family.coefficientByFamily.deep);
    expect(costModel.coefficients.cWide).toBe(family.coefficientByFamily.wide);
    expect(costModel.coefficients.g).toBe(family.exponent);
    expect(
      costModel.coefficients.cMidline /
        Math.sqrt(costModel.coefficients.cDeep * costModel.coefficients.cWide),
    ).toBeCloseTo(1, 12);
    expect(costModel.quality).toEqual({
      n: laws.costModel.flopsPowerLaw.n,
      r2Log: laws.costModel.flopsPowerLaw.r2Log,
    });
    expect(costModel.familyUtilization).toBe(laws.costModel.familyUtilization);
  });

  it('reports the frontier and the learning-rate law as fitted', () => {
    const report = lawsReport(laws);
    expect(report.frontier).toEqual({
      id: laws.frontier.id,
      form: laws.frontier.form,
      a: laws.frontier.a,
      b: laws.frontier.b,
      quality: laws.frontier.quality,
      grid: laws.frontier.grid,
      provenance: laws.frontier.provenance,
    });
    const lr = laws.learningRate;
    expect(report.learningRate).toEqual({
      id: lr.id,
      form: lr.form,
      coefficients: lr.coefficients,
      gridFactor: 2,
      quality: { n: 18, reproducedExactly: lr.quality.reproducedExactly, rmseLog: lr.quality.rmseLog },
      provenance: lr.provenance,
    });
  });
});

describe('lawsReport: the allocation each strategy implies (oracle: the closed forms by hand)', () => {
  it('equal rate: epochs and cost per epoch at C^0.5 each, FLOPs per image at C^(0.5 / g), 1 epoch at 5,000 core hours', () => {
    const { equalRate } = lawsReport(laws).allocation;
    const g = laws.costModel.flopsPowerLaw.exponent;
    expect(equalRate.exponents).toEqual({ flopsPerImage: 0.5 / g, costPerEpoch: 0.5, epochs: 0.5 });
    expect(equalRate.anchorTpuV4CoreHours).toBe(5000);
    expect(equalRate.source).toMatch(
      /^stated: .*; 1 epoch at 5000 core hours \(.*\); FLOPs exponent through the cost law$/,
    );
  });

  it('fitted: F ~ C^(beta / (alpha + g beta)), epochs ~ C^(alpha / (alpha + g beta)), for the loss and for top-1', () => {
    const { fitted, fittedImagenetTop1 } = lawsReport(laws).allocation;
    const g = laws.costModel.flopsPowerLaw.exponent;
    for (const [shown, { alpha, beta }] of [
      [fitted, laws.jftLoss.coefficients],
      [fittedImagenetTop1, laws.finetune.coefficients],
    ] as const) {
      const d = alpha + g * beta;
      expect(shown.exponents.flopsPerImage).toBeCloseTo(beta / d, 12);
      expect(shown.exponents.costPerEpoch).toBeCloseTo((g * beta) / d, 12);
      expect(shown.exponents.epochs).toBeCloseTo(alpha / d, 12);
      expect('exponentIntervals' in shown).toBe(false);
    }
    expect(fitted.source).toBe(
      `closed form: minimise ${laws.jftLoss.id} subject to cost = C under the cost law`,
    );
    expect(fittedImagenetTop1.source).toBe(
      `closed form: minimise ${laws.finetune.id} subject to cost = C under the cost law`,
    );
  });

  it('with the ensemble, each fitted allocation carries 90 % intervals holding its exponents', () => {
    const { fitted, fittedImagenetTop1 } = lawsReport(laws, fitLawEnsemble(laws)).allocation;
    for (const shown of [fitted, fittedImagenetTop1]) {
      const intervals = 'exponentIntervals' in shown ? shown.exponentIntervals : undefined;
      expect(intervals?.level).toBe(0.9);
      for (const key of ['flopsPerImage', 'costPerEpoch', 'epochs'] as const) {
        expect(intervals?.[key].lower).toBeLessThanOrEqual(shown.exponents[key]);
        expect(intervals?.[key].upper).toBeGreaterThanOrEqual(shown.exponents[key]);
      }
    }
  });

  it('measured: the slopes of the measured optima, with their R^2', () => {
    const { measured } = lawsReport(laws).allocation;
    const m = laws.measuredAllocation;
    expect(measured.exponents).toEqual({
      flopsPerImage: m.flopsPerImage.exponent,
      costPerEpoch: m.costPerEpochTpuV4CoreHours.exponent,
      epochs: m.epochs.exponent,
    });
    expect(measured.r2Log).toEqual({
      flopsPerImage: m.flopsPerImage.r2Log,
      costPerEpoch: m.costPerEpochTpuV4CoreHours.r2Log,
      epochs: m.epochs.r2Log,
    });
    expect(measured.source).toBe(m.provenance);
  });

  it('checks the fine-tuning finding on 21 budgets from 5k to 50k core hours, and it holds on most', () => {
    const { finetuneFinding } = lawsReport(laws);
    expect(finetuneFinding.budgetsChecked).toBe(21);
    expect(finetuneFinding.rangeTpuV4CoreHours[0]).toBeCloseTo(5000, 9);
    expect(finetuneFinding.rangeTpuV4CoreHours[1]).toBeCloseTo(50_000, 9);
    expect(finetuneFinding.budgetsHolding).toBeGreaterThan(10);
    expect(finetuneFinding.budgetsHolding).toBeLessThanOrEqual(21);
  });
});
