/**
 * ImageNet top-1 error after fine-tuning, as a function of the pre-training configuration, fitted to the paper's
 * Figure 1 (Smith et al. 2023, 25 digitized NFNet points) by the same candidates and selection rule as the JFT-4B
 * loss (./lawSelection.ts; the rollout is to F7+, the largest model here too). The "F7+ with RA" point and the ViT
 * stars are reference points, not fit data.
 */

import { FACTS } from '../dataset/facts.js';
import { FIGURE1_NFNET_IMAGENET_ERROR } from '../dataset/figures.js';
import { bestCandidateAtBudget, type CandidateChoice, type TrainableCandidate } from './allocation.js';
import {
  type SurfaceCandidateId,
  type SurfaceLawSelection,
  selectedCandidate,
  selectSurfaceLaw,
} from './lawSelection.js';
import { HEADLINE_HELD_OUT_VARIANT, paperRunObservations, type SurfaceLawUnits } from './lossLaw.js';
import {
  type GroupHoldout,
  predictSurface,
  type SurfaceCoefficients,
  type SurfaceFit,
  type SurfaceObservation,
} from './surface.js';

export interface FinetuneLaw extends SurfaceFit {
  readonly id: 'imagenet_top1_error_surface';
  /** The selected candidate (lawSelection.ts). */
  readonly form: SurfaceCandidateId;
  readonly formula: string;
  readonly units: SurfaceLawUnits;
  readonly provenance: string;
  /** For each trained variant: fit the others, predict its points (the selected form). */
  readonly leaveOneModelOut: readonly GroupHoldout[];
  /** Every candidate with its errors, and the rule that chose this one. */
  readonly selection: SurfaceLawSelection;
}

/** Figure 1 NFNet points as surface observations of the top-1 error after fine-tuning (pre-training F and D). */
export function finetuneObservations(
  points: typeof FIGURE1_NFNET_IMAGENET_ERROR = FIGURE1_NFNET_IMAGENET_ERROR,
): SurfaceObservation[] {
  return paperRunObservations(points, (p) => p.imagenetTop1ErrorPercent);
}

/**
 * Fits every candidate top-1 error surface to Figure 1's 25 NFNet points and returns the selected one. Pure and
 * deterministic.
 */
export function fitFinetuneLaw(
  points: typeof FIGURE1_NFNET_IMAGENET_ERROR = FIGURE1_NFNET_IMAGENET_ERROR,
): FinetuneLaw {
  const selection = selectSurfaceLaw(
    finetuneObservations(points),
    points.map((p) => p.tpuV4CoreHours),
    HEADLINE_HELD_OUT_VARIANT,
  );
  const winner = selectedCandidate(selection);
  return {
    id: 'imagenet_top1_error_surface',
    form: winner.candidate.id,
    formula: winner.candidate.formula,
    units: {
      flopsPerImage: 'pre-training forward FLOPs per image at 224 px, 30k classes',
      imagesSeen: 'pre-training images (epochs x 4.0e9 JFT-4B images)',
      value: 'ImageNet top-1 error after fine-tuning (%)',
    },
    provenance: `Figure 1, digitized, ${points.length} NFNet points (RA point and ViT baselines excluded); ${winner.candidate.id} surface (${winner.candidate.source}), selected among ${selection.candidates.length} candidates by ${selection.rule}`,
    ...winner.fit,
    leaveOneModelOut: winner.leaveOneModelOut,
    selection,
  };
}

/** Predicted ImageNet top-1 error (%) after fine-tuning a model pre-trained for `epochs` of `datasetImages`. */
export function predictImagenetTop1ErrorPercent(
  law: Pick<FinetuneLaw, 'coefficients'>,
  flopsPerImage: number,
  epochs: number,
  datasetImages: number = FACTS.jftImages.value,
): number {
  return predictSurface(law.coefficients, flopsPerImage, epochs * datasetImages);
}

export interface FinetuneFindingAtBudget {
  readonly tpuV4CoreHours: number;
  readonly bestForJftLoss: CandidateChoice;
  readonly bestForImagenetTop1: CandidateChoice;
  /** bestForImagenetTop1 has at least the FLOPs per image and at most the epochs of bestForJftLoss. */
  readonly holds: boolean;
}

/**
 * The paper's qualitative finding on fine-tuning (Smith et al. 2023, section on ImageNet fine-tuning, Figure 1): at a
 * fixed budget, the configuration that fine-tunes best is at least as large, and pre-trains for no more epochs, as
 * the one that minimises the JFT-4B loss. Checked per budget among the given candidates (each spending the whole
 * budget, within the studied epoch range), with each surface choosing its own best.
 */
export function checkFinetuneFinding(
  jftLoss: SurfaceCoefficients,
  imagenetTop1Error: SurfaceCoefficients,
  candidates: readonly TrainableCandidate[],
  budgetsTpuV4CoreHours: readonly number[],
): FinetuneFindingAtBudget[] {
  return budgetsTpuV4CoreHours.map((tpuV4CoreHours) => {
    const bestForJftLoss = bestCandidateAtBudget(jftLoss, candidates, tpuV4CoreHours);
    const bestForImagenetTop1 = bestCandidateAtBudget(imagenetTop1Error, candidates, tpuV4CoreHours);
    return {
      tpuV4CoreHours,
      bestForJftLoss,
      bestForImagenetTop1,
      holds:
        bestForImagenetTop1.flopsPerImage >= bestForJftLoss.flopsPerImage &&
        bestForImagenetTop1.epochs <= bestForJftLoss.epochs,
    };
  });
}
