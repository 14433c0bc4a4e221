/**
 * The JFT-4B validation loss as a function of model size and training length, fitted to the paper's Figure 2
 * (Smith et al. 2023, 36 digitized points): each candidate surface of ./lawSelection.ts is fitted and judged out of
 * sample, and the selected one is the law.
 */

import { countNfnet } from '../architecture/count.js';
import type { NfnetVariant } from '../architecture/variants.js';
import { FACTS } from '../dataset/facts.js';
import { FIGURE2_JFT_VALIDATION_LOSS, type Figure2Point } from '../dataset/figures.js';
import { PlannerInputError } from '../errors.js';
import {
  type SurfaceCandidateId,
  type SurfaceLawSelection,
  selectedCandidate,
  selectSurfaceLaw,
} from './lawSelection.js';
import { type GroupHoldout, predictSurface, type SurfaceFit, type SurfaceObservation } from './surface.js';

/** The variant whose held-out prediction is the headline extrapolation check: the largest model trained. */
export const HEADLINE_HELD_OUT_VARIANT: NfnetVariant = 'F7+';

export interface SurfaceLawUnits {
  readonly flopsPerImage: string;
  readonly imagesSeen: string;
  readonly value: string;
}

export interface JftLossLaw extends SurfaceFit {
  readonly id: 'jft_loss_surface';
  /** The selected candidate (lawSelection.ts). */
  readonly form: SurfaceCandidateId;
  readonly formula: string;
  readonly units: SurfaceLawUnits;
  readonly provenance: string;
  /** For each trained variant: fit the other five, predict its six points (the selected form). */
  readonly leaveOneModelOut: readonly GroupHoldout[];
  /** The leave-one-model-out entry for F7+: the rollout. */
  readonly headlineHoldout: GroupHoldout;
  /** Every candidate with its errors, and the rule that chose this one. */
  readonly selection: SurfaceLawSelection;
}

/** The additive surface's formula, as fits to a caller's runs use it (fits/fitRuns.ts). */
export { ADDITIVE_FORMULA as SURFACE_FORMULA } from './lawSelection.js';

/** Forward FLOPs per image at the pre-training setup (224 px, 30k classes; stated facts), as the surface's F. */
export function pretrainFlopsPerImage(variant: NfnetVariant): number {
  return countNfnet(variant, FACTS.pretrainResolution.value, FACTS.jftClasses.value).flops;
}

/** Counts each distinct variant once: a count walks the whole architecture, and the figures repeat each model. */
export function flopsByVariant(variants: readonly NfnetVariant[]): Map<NfnetVariant, number> {
  const flops = new Map<NfnetVariant, number>();
  for (const v of variants) if (!flops.has(v)) flops.set(v, pretrainFlopsPerImage(v));
  return flops;
}

/** A pre-training run of the paper: a trained variant and its nominal epochs over JFT-4B. */
interface PaperRun {
  readonly model: NfnetVariant;
  readonly epochs: number;
}

/**
 * Paper runs as surface observations: F = forward FLOPs per image at the pre-training setup, D = epochs x JFT-4B
 * images (4.0e9, stated), and the value `measured` picks (loss of Figure 2, top-1 error of Figure 1).
 */
export function paperRunObservations<P extends PaperRun>(
  points: readonly P[],
  measured: (point: P) => number,
): SurfaceObservation[] {
  const flops = flopsByVariant(points.map((p) => p.model));
  return points.map((p) => ({
    flopsPerImage: flops.get(p.model) as number,
    imagesSeen: p.epochs * FACTS.jftImages.value,
    value: measured(p),
    group: p.model,
  }));
}

/** Figure 2 points as surface observations of the JFT-4B validation loss. */
export function jftLossObservations(
  points: readonly Figure2Point[] = FIGURE2_JFT_VALIDATION_LOSS,
): SurfaceObservation[] {
  return paperRunObservations(points, (p) => p.jftValidationLoss);
}

/**
 * Fits every candidate loss surface to Figure 2, judges each by leaving out each model in turn and by the rollout to
 * F7+, and returns the selected one (lawSelection.ts). Default: the paper's 36 points. Pure and deterministic;
 * callers fit once and keep the result.
 */
export function fitJftLossLaw(points: readonly Figure2Point[] = FIGURE2_JFT_VALIDATION_LOSS): JftLossLaw {
  const observations = jftLossObservations(points);
  if (!observations.some((o) => o.group === HEADLINE_HELD_OUT_VARIANT))
    throw new PlannerInputError('points', `the loss law needs points for ${HEADLINE_HELD_OUT_VARIANT}`);
  const selection = selectSurfaceLaw(
    observations,
    points.map((p) => p.tpuV4CoreHours),
    HEADLINE_HELD_OUT_VARIANT,
  );
  const winner = selectedCandidate(selection);
  const headlineHoldout = winner.leaveOneModelOut.find(
    (h) => h.heldOut === HEADLINE_HELD_OUT_VARIANT,
  ) as GroupHoldout;
  return {
    id: 'jft_loss_surface',
    form: winner.candidate.id,
    formula: winner.candidate.formula,
    units: {
      flopsPerImage: 'forward FLOPs per image at 224 px, 30k classes',
      imagesSeen: 'images (epochs x 4.0e9 JFT-4B images)',
      value: 'JFT-4B held-out validation loss (nats)',
    },
    provenance: `Figure 2, digitized, ${points.length} points; ${winner.candidate.id} surface (${winner.candidate.source}), selected among ${selection.candidates.length} candidates by ${selection.rule}`,
    ...winner.fit,
    leaveOneModelOut: winner.leaveOneModelOut,
    headlineHoldout,
    selection,
  };
}

/** Predicted JFT-4B validation loss of a configuration: the fitted surface at F and D = epochs x datasetImages. */
export function predictJftLoss(
  law: Pick<JftLossLaw, 'coefficients'>,
  flopsPerImage: number,
  epochs: number,
  datasetImages: number = FACTS.jftImages.value,
): number {
  return predictSurface(law.coefficients, flopsPerImage, epochs * datasetImages);
}
