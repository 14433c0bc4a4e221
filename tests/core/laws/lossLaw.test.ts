import { beforeEach, describe, expect, it } from 'vitest';
import { FIGURE2_JFT_VALIDATION_LOSS, PAPER_TRAINED_VARIANTS } from '../../../src/core/dataset/figures.js';
import {
  fitJftLossLaw,
  jftLossObservations,
  predictJftLoss,
  pretrainFlopsPerImage,
} from '../../../src/core/laws/lossLaw.js';
import {
  predictSurface,
  type SurfaceCoefficients,
  type SurfaceObservation,
} from '../../../src/core/laws/surface.js';
import { huber } from '../../../src/core/numeric/huber.js';
import { refusalOf } from '../thrown.js';

// Fitted before each test, not once at collection: a mutation tester then sees each test exercise the fit.
let law: ReturnType<typeof fitJftLossLaw>;
beforeEach(() => {
  law = fitJftLossLaw();
});

/** Hoffmann et al.'s objective, written out independently of the fitting code. */
function huberObjective(c: SurfaceCoefficients, data: readonly SurfaceObservation[]): number {
  return data.reduce(
    (sum, o) =>
      sum + huber(Math.log(predictSurface(c, o.flopsPerImage, o.imagesSeen)) - Math.log(o.value), 1e-3),
    0,
  );
}

describe('fitJftLossLaw on Figure 2', () => {
  it('fits all 36 points with relative RMSE under 1% (issue bar); its additive candidate near the independent fit’s 0.6%', () => {
    expect(law.quality.n).toBe(36);
    expect(law.quality.rmseRelative).toBeLessThan(0.01);
    expect(law.quality.r2Log).toBeGreaterThan(0.95);
    const additive = law.selection.candidates.find((c) => c.candidate.id === 'additive');
    expect(Math.abs((additive?.fit.quality.rmseRelative as number) - 0.006)).toBeLessThan(0.0015);
  });

  it('is a local minimum of the Huber objective in (log E, log A, log B, alpha, beta)', () => {
    const data = jftLossObservations();
    const c = law.coefficients;
    const at = huberObjective(c, data);
    const h = 1e-4;
    const moves: ((s: number) => SurfaceCoefficients)[] = [
      (s) => ({ ...c, E: c.E * Math.exp(s) }),
      (s) => ({ ...c, A: c.A * Math.exp(s) }),
      (s) => ({ ...c, B: c.B * Math.exp(s) }),
      (s) => ({ ...c, alpha: c.alpha + s }),
      (s) => ({ ...c, beta: c.beta + s }),
    ];
    for (const move of moves) {
      expect(huberObjective(move(h), data)).toBeGreaterThanOrEqual(at);
      expect(huberObjective(move(-h), data)).toBeGreaterThanOrEqual(at);
    }
  });

  it('leaves each of the six models out once, F7+ the headline, each predicting its six points', () => {
    expect(law.leaveOneModelOut.map((h) => h.heldOut)).toEqual([...PAPER_TRAINED_VARIANTS]);
    expect(law.headlineHoldout.heldOut).toBe('F7+');
    for (const h of law.leaveOneModelOut) expect(h.heldOutQuality.n).toBe(6);
  });

  it('fits each leave-one-model-out subset at least as well as the full fit does (optimality on the subset)', () => {
    const data = jftLossObservations();
    for (const h of law.leaveOneModelOut) {
      const kept = data.filter((o) => o.group !== h.heldOut);
      expect(huberObjective(h.coefficients, kept)).toBeLessThanOrEqual(
        huberObjective(law.coefficients, kept) * (1 + 1e-9),
      );
    }
  });

  it('uses forward FLOPs per image of each variant and epochs x 4e9 images', () => {
    const obs = jftLossObservations();
    // Published-count oracle (architecture brief): F0 at 224 px, 30k classes is 19.15 GFLOPs.
    expect((obs[0] as SurfaceObservation).flopsPerImage / 1e9).toBeCloseTo(19.15, 2);
    expect((obs[0] as SurfaceObservation).imagesSeen).toBe(0.25 * 4e9);
    expect(pretrainFlopsPerImage('F7+') / 1e9).toBeCloseTo(222.6, 1);
  });

  it('predicts a configuration from epochs and dataset size, consistently with the surface', () => {
    const point = FIGURE2_JFT_VALIDATION_LOSS.at(-1);
    if (point === undefined) throw new Error('Figure 2 is empty');
    const predicted = predictJftLoss(law, pretrainFlopsPerImage(point.model), point.epochs);
    expect(predicted).toBe(predictSurface(law.coefficients, pretrainFlopsPerImage('F7+'), 8 * 4e9));
    // The F7+ 8-epoch run (2.339) is reproduced within the fit's largest error.
    expect(Math.abs(predicted / point.jftValidationLoss - 1)).toBeLessThanOrEqual(
      law.quality.maxRelativeError,
    );
    // Doubling the dataset at half the epochs sees the same images: same prediction.
    expect(predictJftLoss(law, 1e11, 2, 8e9)).toBeCloseTo(predictJftLoss(law, 1e11, 4), 12);
  });

  it('carries its id, units and provenance', () => {
    expect(law.id).toBe('jft_loss_surface');
    expect(law.provenance).toMatch(/^Figure 2, digitized, 36 points/);
    expect(law.units.flopsPerImage).toMatch(/FLOPs per image/);
  });
});

describe('the loss law names itself and needs F7+ (the rollout model)', () => {
  it('states its id, units and provenance, and refuses runs without F7+', () => {
    expect(law.id).toBe('jft_loss_surface');
    expect(law.units).toEqual({
      flopsPerImage: 'forward FLOPs per image at 224 px, 30k classes',
      imagesSeen: 'images (epochs x 4.0e9 JFT-4B images)',
      value: 'JFT-4B held-out validation loss (nats)',
    });
    expect(law.provenance).toMatch(
      new RegExp(
        `^Figure 2, digitized, 36 points; ${law.form} surface \\(.+\\), selected among 3 candidates by `,
      ),
    );
    expect(
      refusalOf(() => fitJftLossLaw(FIGURE2_JFT_VALIDATION_LOSS.filter((p) => p.model !== 'F7+'))),
    ).toEqual(['points', 'the loss law needs points for F7+']);
  });
});
