/**
 * The ensemble of the paper's laws (lawEnsemble.ts): what it is made of, and the jackknife mix. Oracles: the fitted
 * laws it is built from (each fit without a model is the law selection's), the residual scatter by its formula
 * (rmseRelative sqrt(n / (n - p)), p the law's coefficients), the cost law's mid-line as the README states it (the
 * geometric mean of the two families' coefficients), the cost law refitted without each variant by fitFamilyCostLaw,
 * and the mix written out for an ensemble made by hand.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fitFamilyCostLaw } from '../../../src/core/cost/costModel.js';
import { fitPaperLaws, type PaperLaws } from '../../../src/core/laws/paperLaws.js';
import { fitLawEnsemble, mixMembers } from '../../../src/core/uncertainty/lawEnsemble.js';

let laws: PaperLaws;
beforeEach(() => {
  laws = fitPaperLaws();
});

describe('fitLawEnsemble', () => {
  it('takes each law’s fits without each model from the law selection', () => {
    const ensemble = fitLawEnsemble(laws, { members: 4 });
    for (const key of ['jftLoss', 'finetune'] as const) {
      expect(ensemble[key].point).toBe(laws[key].coefficients);
      expect(ensemble[key].leaveOneOut).toEqual(
        laws[key].leaveOneModelOut.map((h) => ({ model: h.heldOut, law: h.coefficients })),
      );
    }
    expect(new Set(ensemble.models)).toEqual(
      new Set([...laws.jftLoss.leaveOneModelOut, ...laws.finetune.leaveOneModelOut].map((h) => h.heldOut)),
    );
  });

  it('refits the cost law without each variant, priced on its mid-line sqrt(c_deep c_wide)', () => {
    const ensemble = fitLawEnsemble(laws, { members: 4 });
    const costs = laws.costModel.measuredCosts;
    expect(ensemble.costLaw.point).toBe(laws.costModel.flopsPowerLaw);
    expect(ensemble.costLaw.leaveOneOut.map((f) => f.model)).toEqual(costs.map((c) => c.variant));
    ensemble.costLaw.leaveOneOut.forEach((f, i) => {
      const without = fitFamilyCostLaw(costs.filter((_, j) => j !== i));
      expect(f.law.exponent).toBe(without.exponent);
      expect(f.law.coefficient).toBeCloseTo(
        Math.sqrt(without.coefficientByFamily.deep * without.coefficientByFamily.wide),
        15,
      );
      expect(f.law.exponent).not.toBe(ensemble.costLaw.point.exponent);
    });
  });

  it('states each law’s residual scatter as rmseRelative sqrt(n / (n - p)), p = 5 or 6 with gamma', () => {
    const ensemble = fitLawEnsemble(laws, { members: 4 });
    for (const key of ['jftLoss', 'finetune'] as const) {
      const { quality, coefficients } = laws[key];
      const p = coefficients.gamma === undefined ? 5 : 6;
      expect(ensemble.residualLogSd[key]).toBeCloseTo(
        quality.rmseRelative * Math.sqrt(quality.n / (quality.n - p)),
        15,
      );
    }
  });

  it('draws its weights from the seed: the same seed the same members, another seed others, a member the same in any count', () => {
    const a = fitLawEnsemble(laws, { members: 6, seed: 7 });
    expect(a.seed).toBe(7);
    expect(fitLawEnsemble(laws, { members: 6, seed: 7 }).weights).toEqual(a.weights);
    expect(fitLawEnsemble(laws, { members: 6, seed: 8 }).weights).not.toEqual(a.weights);
    const more = fitLawEnsemble(laws, { members: 9, seed: 7 });
    expect(more.weights.subarray(0, a.weights.length)).toEqual(a.weights);
    expect(a.weights).toHaveLength(6 * a.models.length);
    expect(fitLawEnsemble(laws).memberCount).toBe(200);
  });
});

describe('mixMembers: point + sqrt((G - 1) / G) sum_g w_mg (q_g - mean q), written out', () => {
  const ensemble = {
    memberCount: 3,
    models: ['a', 'b', 'c'],
    weights: Float64Array.from([1, 0, 0, 0, 2, -1, 0.5, 0.5, 0.5]),
  };

  it('mixes the fits without each model by each member’s weights', () => {
    const out = new Float64Array(3);
    const without = [1.1, 0.9, 1.3];
    mixMembers(ensemble, ensemble.models, 1, without, out);
    const mean = 1.1;
    const scale = Math.sqrt(2 / 3);
    expect(out[0]).toBeCloseTo(1 + scale * (1.1 - mean), 15);
    expect(out[1]).toBeCloseTo(1 + scale * (2 * (0.9 - mean) - (1.3 - mean)), 15);
    // Equal weights on every model: the deviations sum to zero, so the member is the point.
    expect(out[2]).toBeCloseTo(1, 15);
  });

  it('finds each model’s column by name when the fits list only some models, in another order', () => {
    const out = new Float64Array(3);
    // Fits without c and a only: G = 2, mean (2 + 4) / 2 = 3, scale sqrt(1/2).
    mixMembers(ensemble, ['c', 'a'], 10, [2, 4], out);
    const scale = Math.sqrt(1 / 2);
    expect(out[0]).toBeCloseTo(10 + scale * (1 * (4 - 3)), 14);
    expect(out[1]).toBeCloseTo(10 + scale * (-1 * (2 - 3)), 14);
    expect(out[2]).toBeCloseTo(10 + scale * (0.5 * (2 - 3) + 0.5 * (4 - 3)), 14);
  });
});
