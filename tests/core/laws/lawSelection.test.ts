import { beforeEach, describe, expect, it } from 'vitest';
import {
  FIGURE1_NFNET_IMAGENET_ERROR,
  FIGURE2_JFT_VALIDATION_LOSS,
} from '../../../src/core/dataset/figures.js';
import { finetuneObservations, fitFinetuneLaw } from '../../../src/core/laws/finetuneLaw.js';
import {
  fitJointSurfaceParameters,
  jointSurfaceBounds,
  jointSurfaceObjective,
} from '../../../src/core/laws/jointSurface.js';
import { computeWeights, selectSurfaceLaw } from '../../../src/core/laws/lawSelection.js';
import { fitJftLossLaw, jftLossObservations, pretrainFlopsPerImage } from '../../../src/core/laws/lossLaw.js';
import {
  fitSurfaceParameters,
  predictSurface,
  prepareSurfaceObservations,
  type SurfaceCoefficients,
  type SurfaceObservation,
  surfaceStarts,
} from '../../../src/core/laws/surface.js';
import { huber } from '../../../src/core/numeric/huber.js';
import { minimizeFromStarts } from '../../../src/core/numeric/lbfgs.js';
import { refusalOf } from '../thrown.js';

const FLOPS = [1e10, 2e10, 4e10, 8e10, 1.6e11, 3.2e11];
const IMAGES = [1e9, 2e9, 4e9, 8e9, 1.6e10, 3.2e10];

/** Runs of a known surface on a 6 x 6 grid, each model its own group, compute ∝ F x D; `noise` multiplies values. */
function synthetic(c: SurfaceCoefficients, noise: (i: number) => number = () => 1) {
  const observations: SurfaceObservation[] = [];
  const compute: number[] = [];
  for (const [k, F] of FLOPS.entries())
    for (const D of IMAGES) {
      observations.push({
        flopsPerImage: F,
        imagesSeen: D,
        value: predictSurface(c, F, D) * noise(observations.length),
        group: `m${k}`,
      });
      compute.push((F * D) / 1e18);
    }
  return { observations, compute };
}

/** A fixed, deterministic ±0.3 % pattern (no RNG): sin of the index. */
const wobble = (i: number) => 1 + 0.003 * Math.sin(1.7 * i + 0.4);

/** Hoffmann et al.'s objective written out independently of the fitting code, weights optional. */
function huberObjective(c: SurfaceCoefficients, data: readonly SurfaceObservation[], w?: readonly number[]) {
  return data.reduce(
    (sum, o, i) =>
      sum + (w?.[i] ?? 1) * huber(Math.log(predictSurface(c, o.flopsPerImage, o.imagesSeen) / o.value), 1e-3),
    0,
  );
}

describe('selectSurfaceLaw on synthetic data with a known answer', () => {
  it('data from the joint form (gamma = 0.5) select the joint form and give gamma back', () => {
    const truth = { E: 1.5, A: 3000, alpha: 0.3, B: 2000, beta: 0.35, gamma: 0.5 };
    const { observations, compute } = synthetic(truth);
    const selection = selectSurfaceLaw(observations, compute, 'm5');
    expect(selection.selected).toBe('joint_exponent');
    const joint = selection.candidates.find((c) => c.candidate.id === 'joint_exponent');
    expect(Math.abs((joint?.fit.coefficients.gamma as number) - 0.5)).toBeLessThan(1e-3);
    expect(joint?.rolloutRmseRelative).toBeLessThan(1e-5);
    // The additive surface cannot bend that way: it misses the rollout by far more than the digitization error.
    const additive = selection.candidates.find((c) => c.candidate.id === 'additive');
    expect(additive?.rolloutRmseRelative).toBeGreaterThan(1e-3);
  });

  it('data from the additive form (with a ±0.3 % wobble) keep the additive form: the joint fit finds gamma near 1', () => {
    const truth = { E: 1.5, A: 3000, alpha: 0.3, B: 2000, beta: 0.35 };
    const { observations, compute } = synthetic(truth, wobble);
    const selection = selectSurfaceLaw(observations, compute, 'm5');
    expect(selection.selected).toBe('additive');
    const joint = selection.candidates.find((c) => c.candidate.id === 'joint_exponent');
    expect(Math.abs((joint?.fit.coefficients.gamma as number) - 1)).toBeLessThan(0.15);
  });

  it('scores each candidate by the mean of its leave-one-model-out and rollout errors, the lowest winning', () => {
    const { observations, compute } = synthetic(
      { E: 1.5, A: 3000, alpha: 0.3, B: 2000, beta: 0.35, gamma: 0.7 },
      wobble,
    );
    const selection = selectSurfaceLaw(observations, compute, 'm5');
    for (const c of selection.candidates)
      expect(c.score).toBeCloseTo((c.leaveOneModelOutRmseRelative + c.rolloutRmseRelative) / 2, 15);
    const best = Math.min(...selection.candidates.map((c) => c.score));
    expect(selection.candidates.find((c) => c.candidate.id === selection.selected)?.score).toBeLessThan(
      best + 1e-4,
    );
  });
});

describe('the joint-form objective', () => {
  it('returns the gradient of its value (oracle: central finite differences)', () => {
    const data = prepareSurfaceObservations(jftLossObservations());
    const weights = Float64Array.from({ length: data.n }, (_, i) => 1 + (i % 3));
    const objective = jointSurfaceObjective(data, weights);
    // Away from the optimum so that residuals fall in both the quadratic and the linear zone of the Huber loss.
    const theta = Float64Array.from([0.4, 1.5, 0.9, 0.5, 0.4, 0.6]);
    const gradient = new Float64Array(6);
    objective(theta, gradient);
    const scratch = new Float64Array(6);
    const h = 1e-6;
    for (let k = 0; k < 6; k++) {
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[k] = (up[k] as number) + h;
      down[k] = (down[k] as number) - h;
      const numeric = (objective(up, scratch) - objective(down, scratch)) / (2 * h);
      expect(Math.abs((gradient[k] as number) / numeric - 1)).toBeLessThan(1e-5);
    }
  });

  it('from three starts reaches what a 25-start grid reaches, on Figures 1 and 2 and every subset without one model', () => {
    for (const observations of [jftLossObservations(), finetuneObservations()]) {
      const groups = [...new Set(observations.map((o) => o.group))];
      for (const heldOut of [undefined, ...groups]) {
        const data = prepareSurfaceObservations(observations.filter((o) => o.group !== heldOut));
        const w = new Float64Array(data.n).fill(1);
        const additive = fitSurfaceParameters(data, w);
        // The additive surface's eight starts at gamma = 0.5, 1, 2 (inner terms to the power 1 / gamma), plus its optimum.
        const grid = [
          [...additive.theta, 1],
          ...[0.5, 1, 2].flatMap((g) =>
            surfaceStarts(data, w).map(([logE, logA, logB, alpha, beta]) => [
              logE,
              logA / g,
              logB / g,
              alpha / g,
              beta / g,
              g,
            ]),
          ),
        ];
        const cold = minimizeFromStarts(jointSurfaceObjective(data, w), grid, jointSurfaceBounds(data, w));
        const three = fitJointSurfaceParameters(data, w, additive.theta);
        expect(three.objective / cold.value - 1).toBeLessThan(1e-9);
      }
    }
  });
});

describe('the paper’s laws, selected', () => {
  let jft: ReturnType<typeof fitJftLossLaw>;
  let finetune: ReturnType<typeof fitFinetuneLaw>;
  let F7plus: number;
  beforeEach(() => {
    jft = fitJftLossLaw();
    finetune = fitFinetuneLaw();
    F7plus = pretrainFlopsPerImage('F7+');
  });

  it('every candidate is at least as well fitted, per model left out, as a cold multi-start fit of its form (oracle: the Huber objective written out)', () => {
    for (const [law, observations, points] of [
      [jft, jftLossObservations(), FIGURE2_JFT_VALIDATION_LOSS],
      [finetune, finetuneObservations(), FIGURE1_NFNET_IMAGENET_ERROR],
    ] as const)
      for (const c of law.selection.candidates)
        for (const h of c.leaveOneModelOut) {
          const include = observations.map((o) => o.group !== h.heldOut);
          const kept = observations.filter((_, i) => include[i]);
          const w =
            c.candidate.weighting === 'compute'
              ? Array.from(
                  computeWeights(
                    points.map((p) => p.tpuV4CoreHours),
                    include,
                  ),
                ).filter((_, i) => include[i])
              : undefined;
          const data = prepareSurfaceObservations(kept);
          const wf = Float64Array.from(w ?? kept.map(() => 1));
          const additive = fitSurfaceParameters(data, wf);
          const coldObjective =
            c.candidate.id === 'joint_exponent'
              ? fitJointSurfaceParameters(data, wf, additive.theta).objective
              : additive.objective;
          expect(huberObjective(h.coefficients, kept, w) / coldObjective - 1).toBeLessThan(1e-9);
        }
  });

  it('JFT loss: the joint form wins (0.67 % mean out-of-sample error against 0.74 % additive, 0.97 % compute-weighted)', () => {
    expect(jft.form).toBe('joint_exponent');
    const score = Object.fromEntries(jft.selection.candidates.map((c) => [c.candidate.id, c.score]));
    expect(score.joint_exponent).toBeCloseTo(0.00668, 4);
    expect(score.additive).toBeCloseTo(0.00736, 4);
    expect(score.additive_compute_weighted).toBeCloseTo(0.00966, 4);
    expect(jft.coefficients.gamma).toBeCloseTo(0.399, 3);
  });

  it('JFT loss: F7+ at 8 epochs within 0.5 % of its digitized 2.339 (aim), in sample', () => {
    const predicted = predictSurface(jft.coefficients, F7plus, 8 * 4e9);
    expect(Math.abs(predicted / 2.339 - 1)).toBeLessThan(0.005);
  });

  it('top-1: the compute-weighted additive surface wins, and gives F7+ at 8 epochs within 0.15 points of the stated 90.3 %', () => {
    expect(finetune.form).toBe('additive_compute_weighted');
    const top1 = 100 - predictSurface(finetune.coefficients, F7plus, 8 * 4e9);
    expect(Math.abs(top1 - 90.3)).toBeLessThan(0.15);
  });

  it('keeps the planner’s quality figure meaningful: the selected law’s unweighted in-sample RMSE over every run', () => {
    for (const [law, observations] of [
      [jft, jftLossObservations()],
      [finetune, finetuneObservations()],
    ] as const) {
      let sum = 0;
      for (const o of observations)
        sum += (predictSurface(law.coefficients, o.flopsPerImage, o.imagesSeen) / o.value - 1) ** 2;
      expect(law.quality.rmseRelative).toBeCloseTo(Math.sqrt(sum / observations.length), 12);
    }
  });
});

describe('computeWeights (hand-worked)', () => {
  it('weights by compute at mean 1: [1, 2, 3] -> [0.5, 1, 1.5]; left-out runs weigh 0 and leave the mean', () => {
    expect([...computeWeights([1, 2, 3])]).toEqual([0.5, 1, 1.5]);
    expect([...computeWeights([1, 2, 3], [true, false, true])]).toEqual([0.5, 0, 1.5]);
    expect([...computeWeights([4, 4], [true, true])]).toEqual([1, 1]);
  });
});

describe('selectSurfaceLaw: its scores recomputed from its own hold-outs, and its refusals', () => {
  it('holds out each model’s runs in turn; the error is the RMSE over every held-out run; the lowest score wins', () => {
    const { observations, compute } = synthetic(
      { E: 1.5, A: 3000, alpha: 0.3, B: 2000, beta: 0.35, gamma: 0.8 },
      wobble,
    );
    const selection = selectSurfaceLaw(observations, compute, 'm3');
    expect(selection.rolloutHeldOut).toBe('m3');
    const groups = [...new Set(observations.map((o) => o.group))];
    for (const c of selection.candidates) {
      expect(c.leaveOneModelOut.map((h) => h.heldOut)).toEqual(groups);
      let squares = 0;
      for (const h of c.leaveOneModelOut) {
        const held = observations.filter((o) => o.group === h.heldOut);
        expect(h.heldOutQuality.n).toBe(held.length);
        for (const o of held)
          squares += (predictSurface(h.coefficients, o.flopsPerImage, o.imagesSeen) / o.value - 1) ** 2;
      }
      expect(c.leaveOneModelOutRmseRelative).toBeCloseTo(Math.sqrt(squares / observations.length), 12);
      const rollout = c.leaveOneModelOut.find((h) => h.heldOut === 'm3');
      expect(c.rolloutRmseRelative).toBe(rollout?.heldOutQuality.rmseRelative);
    }
    // The rule: the first candidate unless another scores lower by more than the tie margin 1e-4.
    let winner = selection.candidates[0];
    for (const c of selection.candidates) if (winner && c.score < winner.score - 1e-4) winner = c;
    expect(selection.selected).toBe(winner?.candidate.id);
  });

  it('refuses compute figures that do not match the runs, a run without a model, and an unknown rollout model', () => {
    const { observations, compute } = synthetic({ E: 1.5, A: 3000, alpha: 0.3, B: 2000, beta: 0.35 });
    expect(refusalOf(() => selectSurfaceLaw(observations, compute.slice(1), 'm0'))).toEqual([
      'tpuV4CoreHours',
      'need one compute figure per observation',
    ]);
    const ungrouped = observations.map((o, i) => (i === 3 ? { ...o, group: undefined } : o));
    expect(refusalOf(() => selectSurfaceLaw(ungrouped, compute, 'm0'))).toEqual([
      'observations',
      'every observation needs a group for leave-one-model-out',
    ]);
    expect(refusalOf(() => selectSurfaceLaw(observations, compute, 'm9'))).toEqual([
      'rolloutGroup',
      'no observations of m9 to roll out to',
    ]);
  });
});
