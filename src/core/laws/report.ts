import { compareCostLaws } from '../cost/costModel.js';
import { FACTS } from '../dataset/facts.js';
import { PAPER_TRAINED_VARIANTS } from '../dataset/figures.js';
import { exponentIntervals } from '../uncertainty/exponentIntervals.js';
import { DEFAULT_INTERVAL_LEVEL } from '../uncertainty/intervals.js';
import type { LawEnsemble } from '../uncertainty/lawEnsemble.js';
import {
  type AllocationExponents,
  EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS,
  EQUAL_RATE_EXPONENT,
  fittedAllocationExponents,
} from './allocation.js';
import { logGrid } from './envelope.js';
import { checkFinetuneFinding } from './finetuneLaw.js';
import type { SurfaceCandidateId } from './lawSelection.js';
import type { PaperLaws } from './paperLaws.js';
import type { SurfaceCoefficients, SurfaceFitQuality } from './surface.js';

/** Budgets (TPU-v4 core hours) on which the fine-tuning finding is checked: the paper's 5k-50k. */
const FINDING_BUDGETS = logGrid(5_000, 50_000, 21);

export interface SurfaceLawReport {
  readonly id: string;
  readonly form: SurfaceCandidateId;
  readonly formula: string;
  readonly coefficients: SurfaceCoefficients;
  readonly units: { readonly flopsPerImage: string; readonly imagesSeen: string; readonly value: string };
  readonly quality: SurfaceFitQuality;
  readonly provenance: string;
  readonly leaveOneModelOut: readonly {
    readonly heldOut: string;
    readonly rmseRelative: number;
    readonly maxRelativeError: number;
  }[];
  readonly selection: {
    readonly rule: string;
    readonly rolloutHeldOut: string;
    readonly selected: string;
    readonly candidates: readonly {
      readonly id: SurfaceCandidateId;
      readonly formula: string;
      readonly weighting: 'uniform' | 'compute';
      readonly source: string;
      readonly coefficients: SurfaceCoefficients;
      readonly quality: SurfaceFitQuality;
      readonly leaveOneModelOutRmseRelative: number;
      readonly rolloutRmseRelative: number;
      readonly score: number;
      readonly selected: boolean;
    }[];
  };
}

/**
 * Every fitted law with coefficients, units, fit quality and provenance, and the allocation each strategy implies:
 * what GET /v1/laws serves and `scaleplan laws` prints. A view of the fitted laws; computes only the closed-form
 * exponents and the fine-tuning finding check.
 */
export function lawsReport(laws: PaperLaws, ensemble?: LawEnsemble) {
  const intervalsOf = (fits: (e: LawEnsemble) => LawEnsemble['jftLoss']) =>
    ensemble && {
      exponentIntervals: exponentIntervals(
        ensemble,
        fits(ensemble),
        DEFAULT_INTERVAL_LEVEL,
        EQUAL_RATE_EXPONENT,
      ),
    };
  const costLaw = laws.costModel.flopsPowerLaw;
  const surface = (law: PaperLaws['jftLoss'] | PaperLaws['finetune']): SurfaceLawReport => ({
    id: law.id,
    form: law.form,
    formula: law.formula,
    coefficients: law.coefficients,
    units: law.units,
    quality: law.quality,
    provenance: law.provenance,
    leaveOneModelOut: law.leaveOneModelOut.map((h) => ({
      heldOut: h.heldOut,
      rmseRelative: h.heldOutQuality.rmseRelative,
      maxRelativeError: h.heldOutQuality.maxRelativeError,
    })),
    selection: {
      rule: law.selection.rule,
      rolloutHeldOut: law.selection.rolloutHeldOut,
      selected: law.selection.selected,
      candidates: law.selection.candidates.map((c) => ({
        id: c.candidate.id,
        formula: c.candidate.formula,
        weighting: c.candidate.weighting,
        source: c.candidate.source,
        coefficients: c.fit.coefficients,
        quality: c.fit.quality,
        leaveOneModelOutRmseRelative: c.leaveOneModelOutRmseRelative,
        rolloutRmseRelative: c.rolloutRmseRelative,
        score: c.score,
        selected: c.candidate.id === law.selection.selected,
      })),
    },
  });
  const exponents = (e: AllocationExponents) => ({
    flopsPerImage: e.flopsPerImage,
    costPerEpoch: e.costPerEpoch,
    epochs: e.epochs,
  });
  const candidates = PAPER_TRAINED_VARIANTS.map((v) => laws.costModel.byVariant[v]).map((c) => ({
    variant: c.variant,
    flopsPerImage: c.flopsPerImage,
    costPerEpochTpuV4CoreHours: c.costPerEpochTpuV4CoreHours,
  }));
  const finding = checkFinetuneFinding(
    laws.jftLoss.coefficients,
    laws.finetune.coefficients,
    candidates,
    FINDING_BUDGETS,
  );
  const measured = laws.measuredAllocation;
  return {
    costModel: {
      id: 'cost_per_epoch',
      form: 'cost per JFT-4B epoch = c_family x F^g (F: forward FLOPs per image at 224 px, 30k classes; c_deep for F0-F7, c_wide for F0+-F7+)',
      coefficients: {
        cDeep: laws.costModel.familyCostLaw.coefficientByFamily.deep,
        cWide: laws.costModel.familyCostLaw.coefficientByFamily.wide,
        g: laws.costModel.familyCostLaw.exponent,
        cMidline: costLaw.coefficient,
      },
      units: { cost: 'TPU-v4 core hours per epoch of 4.0e9 images', flopsPerImage: 'FLOPs' },
      quality: { n: costLaw.n, r2Log: costLaw.r2Log },
      comparison: compareCostLaws(),
      familyUtilization: laws.costModel.familyUtilization,
      familyAchievedTflopsPerCore: laws.costModel.familyAchievedTflopsPerCore,
      provenance:
        "Figure 2, digitized: geometric mean of core hours / epochs per trained variant; least squares in log space on those six, one exponent and one coefficient per width family; every variant is priced by the law. cMidline = sqrt(cDeep x cWide) prices the strategies' continuous ideal models. Chosen over one power law for all by leave-one-variant-out error (comparison)",
    },
    jftLoss: surface(laws.jftLoss),
    finetune: surface(laws.finetune),
    frontier: {
      id: laws.frontier.id,
      form: laws.frontier.form,
      a: laws.frontier.a,
      b: laws.frontier.b,
      quality: laws.frontier.quality,
      grid: laws.frontier.grid,
      provenance: laws.frontier.provenance,
    },
    learningRate: {
      id: laws.learningRate.id,
      form: laws.learningRate.form,
      coefficients: laws.learningRate.coefficients,
      gridFactor: laws.learningRate.gridFactor,
      quality: {
        n: laws.learningRate.quality.n,
        reproducedExactly: laws.learningRate.quality.reproducedExactly,
        rmseLog: laws.learningRate.quality.rmseLog,
      },
      provenance: laws.learningRate.provenance,
    },
    allocation: {
      equalRate: {
        exponents: {
          flopsPerImage: EQUAL_RATE_EXPONENT / costLaw.exponent,
          costPerEpoch: 1 - EQUAL_RATE_EXPONENT,
          epochs: EQUAL_RATE_EXPONENT,
        },
        anchorTpuV4CoreHours: EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS,
        source: `stated: ${FACTS.equalRateScalingExponent.meaning} (${FACTS.equalRateScalingExponent.source}); 1 epoch at ${EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS} core hours (${FACTS.epochsAboveOneFromTpuV4CoreHours.source}); FLOPs exponent through the cost law`,
      },
      fitted: {
        exponents: exponents(fittedAllocationExponents(laws.jftLoss.coefficients, costLaw)),
        ...intervalsOf((e) => e.jftLoss),
        source: `closed form: minimise ${laws.jftLoss.id} subject to cost = C under the cost law`,
      },
      fittedImagenetTop1: {
        exponents: exponents(fittedAllocationExponents(laws.finetune.coefficients, costLaw)),
        ...intervalsOf((e) => e.finetune),
        source: `closed form: minimise ${laws.finetune.id} subject to cost = C under the cost law`,
      },
      measured: {
        exponents: {
          flopsPerImage: measured.flopsPerImage.exponent,
          costPerEpoch: measured.costPerEpochTpuV4CoreHours.exponent,
          epochs: measured.epochs.exponent,
        },
        r2Log: {
          flopsPerImage: measured.flopsPerImage.r2Log,
          costPerEpoch: measured.costPerEpochTpuV4CoreHours.r2Log,
          epochs: measured.epochs.r2Log,
        },
        source: measured.provenance,
      },
    },
    finetuneFinding: {
      statement:
        'At a fixed budget, the configuration with the best predicted ImageNet top-1 is at least as large and trains for no more epochs than the one with the lowest predicted JFT loss (paper: fine-tuning favours slightly larger models and fewer epochs).',
      budgetsChecked: finding.length,
      budgetsHolding: finding.filter((f) => f.holds).length,
      rangeTpuV4CoreHours: [
        FINDING_BUDGETS[0] as number,
        FINDING_BUDGETS[FINDING_BUDGETS.length - 1] as number,
      ],
    },
  };
}

export type LawsReport = ReturnType<typeof lawsReport>;
