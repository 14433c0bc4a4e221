/**
 * GET /v1/laws: every fitted law with its coefficients, units, fit quality and provenance, and the allocation each
 * strategy implies (mirrors core/laws/report.ts).
 */
import { z } from 'zod';

const n = z.number().int().min(0).max(1_000_000);
const SurfaceQualitySchema = z.object({
  n,
  rmseRelative: z.number().describe('Root mean square of (predicted - observed) / observed.'),
  r2Log: z.number().describe('R^2 of the log of the value.'),
  maxRelativeError: z.number(),
});
const SurfaceCoefficientsSchema = z.object({
  E: z.number(),
  A: z.number(),
  B: z.number(),
  alpha: z.number(),
  beta: z.number(),
  gamma: z
    .number()
    .optional()
    .describe(
      'Outer exponent of the joint form E + (A / F^alpha + B / D^beta)^gamma; absent for the additive form.',
    ),
});
const CandidateSchema = z.object({
  id: z.enum(['additive', 'additive_compute_weighted', 'joint_exponent']),
  formula: z.string(),
  weighting: z
    .enum(['uniform', 'compute'])
    .describe('compute: each run weighted by its core hours (mean 1).'),
  source: z.string(),
  coefficients: SurfaceCoefficientsSchema,
  quality: SurfaceQualitySchema.describe('In sample, unweighted, on every run.'),
  leaveOneModelOutRmseRelative: z
    .number()
    .describe('Every run predicted by the fit without its model, pooled relative RMSE.'),
  rolloutRmseRelative: z.number().describe('The largest model’s runs predicted by the fit without it.'),
  score: z.number().describe('Mean of the two out-of-sample errors; the lowest wins.'),
  selected: z.boolean(),
});
const SurfaceLawSchema = z.object({
  id: z.string(),
  form: z
    .enum(['additive', 'additive_compute_weighted', 'joint_exponent'])
    .describe('The selected candidate.'),
  formula: z.string(),
  coefficients: SurfaceCoefficientsSchema,
  units: z.object({ flopsPerImage: z.string(), imagesSeen: z.string(), value: z.string() }),
  quality: SurfaceQualitySchema,
  provenance: z.string(),
  leaveOneModelOut: z
    .array(z.object({ heldOut: z.string(), rmseRelative: z.number(), maxRelativeError: z.number() }))
    .readonly()
    .describe('Fit without each variant, predict its points: the extrapolation check (F7+ the rollout).'),
  selection: z
    .object({
      rule: z.string(),
      rolloutHeldOut: z.string(),
      selected: z.string(),
      candidates: z.array(CandidateSchema).readonly(),
    })
    .describe('Every candidate form or weighting, its errors, and which won.'),
});
const IntervalSchema = z.object({ lower: z.number(), upper: z.number() });
const ExponentIntervalsSchema = z
  .object({
    level: z.number(),
    flopsPerImage: IntervalSchema,
    costPerEpoch: IntervalSchema,
    epochs: IntervalSchema,
    paperRuleInside: z.boolean().describe("Whether the paper's 0.5 / 0.5 rule lies inside both intervals."),
    statement: z.string(),
  })
  .describe("The exponents' percentile intervals over the ensemble's members (when the ensemble is ready).");

const ExponentsSchema = z
  .object({ flopsPerImage: z.number(), costPerEpoch: z.number(), epochs: z.number() })
  .describe('Each quantity grows as C^exponent with the budget C.');

export const LawsResponseSchema = z
  .object({
    costModel: z.object({
      id: z.string(),
      form: z.string(),
      coefficients: z.object({
        cDeep: z.number().describe('c for the deep variants F0-F7.'),
        cWide: z.number().describe('c for the wide variants F0+-F7+.'),
        g: z.number().describe('The exponent of FLOPs, shared by both families.'),
        cMidline: z.number().describe('sqrt(cDeep x cWide): the law for the continuous ideal model.'),
      }),
      units: z.object({ cost: z.string(), flopsPerImage: z.string() }),
      quality: z.object({ n, r2Log: z.number() }),
      comparison: z
        .array(
          z.object({
            law: z.enum(['single_power_law', 'family_power_law']),
            form: z.string(),
            leaveOneOutRmsLog: z
              .number()
              .describe(
                'RMS of ln(law / measured), each trained variant predicted by the law fitted without it.',
              ),
            inSampleRmsLog: z.number(),
          }),
        )
        .describe(
          'The evidence for the family law: each candidate cost law judged on the six measured costs.',
        ),
      familyUtilization: z
        .number()
        .describe('NFNet family TPU-v4 utilization (geometric mean of the trained six).'),
      familyAchievedTflopsPerCore: z.number(),
      provenance: z.string(),
    }),
    jftLoss: SurfaceLawSchema,
    finetune: SurfaceLawSchema,
    frontier: z.object({
      id: z.string(),
      form: z.string(),
      a: z.number(),
      b: z.number(),
      quality: z.object({ r2Log: z.number(), n, maxRelativeError: z.number() }),
      grid: z.object({ minTpuV4CoreHours: z.number(), maxTpuV4CoreHours: z.number(), points: n }),
      provenance: z.string(),
    }),
    learningRate: z.object({
      id: z.string(),
      form: z.string(),
      coefficients: z.object({
        shortRunLearningRate: z.number(),
        onsetCoefficient: z.number(),
        onsetFlopsExponent: z.number(),
        epochsExponent: z.number(),
        onsetEpochsAtReference: z.number(),
        referenceFlopsPerImage: z.number(),
      }),
      gridFactor: z.number(),
      quality: z.object({
        n,
        reproducedExactly: n.describe(
          'Figure 3 points whose snapped prediction equals the digitized optimum.',
        ),
        rmseLog: z.number(),
      }),
      provenance: z.string(),
    }),
    allocation: z.object({
      equalRate: z.object({
        exponents: ExponentsSchema,
        anchorTpuV4CoreHours: z.number(),
        source: z.string(),
      }),
      fitted: z.object({
        exponents: ExponentsSchema,
        exponentIntervals: ExponentIntervalsSchema.optional(),
        source: z.string(),
      }),
      fittedImagenetTop1: z.object({
        exponents: ExponentsSchema,
        exponentIntervals: ExponentIntervalsSchema.optional(),
        source: z.string(),
      }),
      measured: z.object({ exponents: ExponentsSchema, r2Log: ExponentsSchema, source: z.string() }),
    }),
    finetuneFinding: z.object({
      statement: z.string(),
      budgetsChecked: n,
      budgetsHolding: n,
      rangeTpuV4CoreHours: z.array(z.number()).length(2),
    }),
  })
  .describe('The fitted laws.')
  .meta({ id: 'Laws' });
