import { beforeEach, describe, expect, it } from 'vitest';
import { buildCostModel } from '../../../src/core/cost/costModel.js';
import { FIGURE1_NFNET_IMAGENET_ERROR, PAPER_TRAINED_VARIANTS } from '../../../src/core/dataset/figures.js';
import {
  checkFinetuneFinding,
  finetuneObservations,
  fitFinetuneLaw,
  predictImagenetTop1ErrorPercent,
} from '../../../src/core/laws/finetuneLaw.js';
import { fitJftLossLaw } from '../../../src/core/laws/lossLaw.js';
import {
  predictSurface,
  type SurfaceCoefficients,
  type SurfaceObservation,
} from '../../../src/core/laws/surface.js';
import { huber } from '../../../src/core/numeric/huber.js';

// Fitted before each test, not once at collection: a mutation tester then sees each test exercise the fit.
let law: ReturnType<typeof fitFinetuneLaw>;
beforeEach(() => {
  law = fitFinetuneLaw();
});

/** The selected candidate's objective, written out: Huber on log error, each run weighted by its compute if so. */
function huberObjective(c: SurfaceCoefficients, data: readonly SurfaceObservation[]): number {
  const compute = FIGURE1_NFNET_IMAGENET_ERROR.map((p) => p.tpuV4CoreHours);
  const weighted = law.selection.candidates.find((k) => k.candidate.id === law.form)?.candidate.weighting;
  return data.reduce(
    (sum, o, i) =>
      sum +
      (weighted === 'compute' ? (compute[i] as number) : 1) *
        huber(Math.log(predictSurface(c, o.flopsPerImage, o.imagesSeen)) - Math.log(o.value), 1e-3),
    0,
  );
}

describe('fitFinetuneLaw on Figure 1', () => {
  it('fits the 25 NFNet points only (no RA point, no ViT stars) with relative RMSE under 1%', () => {
    expect(law.quality.n).toBe(25);
    expect(
      finetuneObservations().every((o) =>
        (PAPER_TRAINED_VARIANTS as readonly string[]).includes(o.group ?? ''),
      ),
    ).toBe(true);
    expect(law.quality.rmseRelative).toBeLessThan(0.01);
    expect(law.id).toBe('imagenet_top1_error_surface');
  });

  it('is a local minimum of the Huber objective', () => {
    const data = finetuneObservations();
    const c = law.coefficients;
    const at = huberObjective(c, data);
    for (const s of [1e-4, -1e-4]) {
      expect(huberObjective({ ...c, E: c.E * Math.exp(s) }, data)).toBeGreaterThanOrEqual(at);
      expect(huberObjective({ ...c, A: c.A * Math.exp(s) }, data)).toBeGreaterThanOrEqual(at);
      expect(huberObjective({ ...c, B: c.B * Math.exp(s) }, data)).toBeGreaterThanOrEqual(at);
      expect(huberObjective({ ...c, alpha: c.alpha + s }, data)).toBeGreaterThanOrEqual(at);
      expect(huberObjective({ ...c, beta: c.beta + s }, data)).toBeGreaterThanOrEqual(at);
    }
  });

  it('predicts the best run (F7+, 8 epochs: 90.3% top-1, stated) within the fit’s largest error', () => {
    const errorPercent = predictImagenetTop1ErrorPercent(law, 222.6e9, 8);
    expect(Math.abs(errorPercent / (100 - 90.3) - 1)).toBeLessThanOrEqual(
      law.quality.maxRelativeError + 0.005,
    );
  });
});

describe('the paper’s fine-tuning finding', () => {
  it('holds at every budget on a log grid from 5k to 50k core hours: fine-tuning prefers a model at least as large, trained no longer', () => {
    const cost = buildCostModel();
    const candidates = PAPER_TRAINED_VARIANTS.map((v) => cost.byVariant[v]);
    const budgets = Array.from({ length: 21 }, (_, i) => 5000 * 10 ** (i / 20));
    const results = checkFinetuneFinding(fitJftLossLaw().coefficients, law.coefficients, candidates, budgets);
    expect(results).toHaveLength(21);
    for (const r of results) {
      expect(r.bestForImagenetTop1.flopsPerImage).toBeGreaterThanOrEqual(r.bestForJftLoss.flopsPerImage);
      expect(r.bestForImagenetTop1.epochs).toBeLessThanOrEqual(r.bestForJftLoss.epochs);
      expect(r.holds).toBe(true);
    }
  });

  it('reports a violation when the two surfaces disagree the other way (hand-built surfaces)', () => {
    // Surface "small": only data matters (A = 0), so the smallest model trains longest and wins.
    // Surface "large": only size matters (B = 0), so the largest affordable model wins.
    const small: SurfaceCoefficients = { E: 1, A: 0, alpha: 0.5, B: 10, beta: 0.5 };
    const large: SurfaceCoefficients = { E: 1, A: 10, alpha: 0.5, B: 0, beta: 0.5 };
    const candidates = [
      { variant: 'S', flopsPerImage: 1e10, costPerEpochTpuV4CoreHours: 1000 },
      { variant: 'L', flopsPerImage: 1e11, costPerEpochTpuV4CoreHours: 4000 },
    ];
    const [swapped] = checkFinetuneFinding(large, small, candidates, [4000]);
    expect(swapped?.bestForJftLoss.variant).toBe('L');
    expect(swapped?.bestForImagenetTop1.variant).toBe('S');
    expect(swapped?.holds).toBe(false);
  });
});

describe('the fine-tuning law states what it predicts', () => {
  it('names its units and its source', () => {
    expect(law.units).toEqual({
      flopsPerImage: 'pre-training forward FLOPs per image at 224 px, 30k classes',
      imagesSeen: 'pre-training images (epochs x 4.0e9 JFT-4B images)',
      value: 'ImageNet top-1 error after fine-tuning (%)',
    });
    expect(law.provenance).toMatch(
      new RegExp(
        `^Figure 1, digitized, 25 NFNet points \\(RA point and ViT baselines excluded\\); ${law.form} `,
      ),
    );
  });
});
