/**
 * GET /v1/profiles/{name}/calibration: every recorded outcome of a profile against its prediction (the plan's, when
 * the run followed a recorded plan that recommended or listed it; else the law of the version it belongs to), with
 * the errors and how often the prediction intervals held the observed value.
 */
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { accessProblemResponses, KEY_REQUIRED } from '../../api/access.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import {
  CALIBRATION_EXAMPLE,
  CALIBRATION_SOURCE,
  CalibrationSchema,
  type OutcomeCreateSchema,
  ProfileParamsSchema,
} from '../../api/profiles.js';
import { parseVariant } from '../../core/architecture/variants.js';
import {
  type CalibrationPoint,
  calibrationSummary,
  differenceSummary,
  isCovered,
  relativeError,
} from '../../core/calibration/calibrationSummary.js';
import { evaluateConfiguration } from '../../core/planner/evaluate.js';
import type { OutcomeRecord } from '../../storage/store.js';
import { notFound } from '../httpProblem.js';
import { teamOf, teamProfileHead } from '../teamProfiles.js';

/** Outcomes a calibration report covers (the oldest first). */
const MAX_CALIBRATION_OUTCOMES = 10_000;

type Observed = z.infer<typeof OutcomeCreateSchema>;

export const calibrationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/profiles/:name/calibration',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getCalibration',
        summary: 'Predicted against observed, for every recorded outcome of the profile',
        description:
          "Each outcome is compared with its plan's prediction for the model and epochs trained (when its plan recommended or listed them), else with the law of the profile version it belongs to, evaluated at them: its JFT loss, and its ImageNet top-1 and cost when the outcome gave them. The summary gives the errors and, over the predictions that carried an interval, how often it held the observed value. Needs scope read.",
        tags: ['profiles'],
        security: KEY_REQUIRED,
        params: ProfileParamsSchema,
        response: {
          200: CalibrationSchema.meta({ examples: [CALIBRATION_EXAMPLE] }),
          ...problemResponses(400, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const principal = await teamOf(app, request);
      const { name } = request.params;
      const { store, head } = await teamProfileHead(app, principal, name);
      const outcomes = await store.listOutcomes(principal.teamId, head.id, MAX_CALIBRATION_OUTCOMES);
      const planIds = [...new Set(outcomes.flatMap((o) => (o.planId === null ? [] : [o.planId])))];
      const plans = new Map((await store.getPlans(principal.teamId, planIds)).map((p) => [p.id, p]));
      const compared: Comparison[] = [];
      for (const outcome of outcomes) {
        const observed = JSON.parse(outcome.body) as Observed;
        const variant = parseVariant(observed.model, 'model');
        const plan = outcome.planId === null ? undefined : plans.get(outcome.planId);
        const predicted =
          (plan && predictionInPlan(plan.response, variant, observed.epochs)) ??
          (await predictionByLaw(app, head.id, name, outcome.profileVersion, variant, observed.epochs));
        compared.push({ outcome, observed, predicted });
      }
      return calibrationReport(name, head.version, compared);
    },
  );
};

/** An outcome, what it reached, and what was predicted for it. */
interface Comparison {
  readonly outcome: OutcomeRecord;
  readonly observed: Observed;
  readonly predicted: Prediction;
}

/** The report: each outcome against its prediction, and the summaries of the loss, top-1 and cost errors. */
function calibrationReport(name: string, latestVersion: number, compared: readonly Comparison[]) {
  const losses: CalibrationPoint[] = [];
  const top1s: CalibrationPoint[] = [];
  const costs: CalibrationPoint[] = [];
  const entries = compared.map(({ outcome, observed, predicted }) => {
    const loss: CalibrationPoint = {
      observed: observed.loss,
      predicted: predicted.jftValidationLoss,
      ...(predicted.jftValidationLossPredictionInterval && {
        interval: predicted.jftValidationLossPredictionInterval,
      }),
    };
    const top1: CalibrationPoint | undefined =
      observed.imagenetTop1Percent === undefined || predicted.imagenetTop1Percent === undefined
        ? undefined
        : {
            observed: observed.imagenetTop1Percent,
            predicted: predicted.imagenetTop1Percent,
            ...(predicted.imagenetTop1PercentPredictionInterval && {
              interval: predicted.imagenetTop1PercentPredictionInterval,
            }),
          };
    const cost: CalibrationPoint | undefined =
      observed.costTpuV4CoreHours === undefined || predicted.costTpuV4CoreHours === undefined
        ? undefined
        : { observed: observed.costTpuV4CoreHours, predicted: predicted.costTpuV4CoreHours };
    losses.push(loss);
    if (top1) top1s.push(top1);
    if (cost) costs.push(cost);
    const covered = isCovered(loss);
    const top1Covered = top1 && isCovered(top1);
    return {
      outcomeId: outcome.id,
      ...(outcome.planId === null ? {} : { planId: outcome.planId }),
      model: observed.model,
      epochs: observed.epochs,
      profileVersion: outcome.profileVersion,
      observed: {
        jftValidationLoss: observed.loss,
        ...(observed.imagenetTop1Percent !== undefined && {
          imagenetTop1Percent: observed.imagenetTop1Percent,
        }),
        ...(observed.costTpuV4CoreHours !== undefined && {
          costTpuV4CoreHours: observed.costTpuV4CoreHours,
        }),
      },
      predicted,
      error: {
        jftValidationLoss: observed.loss - predicted.jftValidationLoss,
        relative: relativeError(loss),
        ...(top1 && { imagenetTop1Percent: top1.observed - top1.predicted }),
        ...(cost && { costRelative: relativeError(cost) }),
      },
      ...(covered === undefined ? {} : { covered }),
      ...(top1Covered === undefined ? {} : { top1Covered }),
    };
  });
  const { n: _n, ...costSummary } = calibrationSummary(costs);
  return {
    profile: { name, latestVersion },
    outcomes: entries,
    summary: {
      ...calibrationSummary(losses),
      imagenetTop1: top1s.length === 0 ? null : differenceSummary(top1s),
      cost:
        costs.length === 0
          ? null
          : {
              n: costs.length,
              meanRelativeError: costSummary.meanRelativeError,
              meanAbsoluteRelativeError: costSummary.meanAbsoluteRelativeError,
              rmseRelative: costSummary.rmseRelative,
            },
    },
    source: CALIBRATION_SOURCE,
  };
}

interface Prediction {
  readonly jftValidationLoss: number;
  readonly jftValidationLossPredictionInterval?: Interval;
  readonly imagenetTop1Percent?: number;
  readonly imagenetTop1PercentPredictionInterval?: Interval;
  readonly costTpuV4CoreHours?: number;
  readonly source: 'plan' | 'profile_law';
}

interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** What a configuration (of a recorded plan, or an evaluation) predicts that an outcome can be compared with. */
interface PredictingConfiguration {
  readonly predicted: {
    readonly jftValidationLoss: number;
    readonly jftValidationLossPredictionInterval?: Interval;
    readonly imagenetTop1Percent: number;
    readonly imagenetTop1PercentPredictionInterval?: Interval;
  };
  readonly costTpuV4CoreHours: number;
}

interface StoredConfiguration extends PredictingConfiguration {
  readonly model: { readonly name: string };
  readonly epochs: number;
}

function predictionOf(configuration: PredictingConfiguration, source: Prediction['source']): Prediction {
  const { predicted } = configuration;
  return {
    jftValidationLoss: predicted.jftValidationLoss,
    ...(predicted.jftValidationLossPredictionInterval && {
      jftValidationLossPredictionInterval: predicted.jftValidationLossPredictionInterval,
    }),
    imagenetTop1Percent: predicted.imagenetTop1Percent,
    ...(predicted.imagenetTop1PercentPredictionInterval && {
      imagenetTop1PercentPredictionInterval: predicted.imagenetTop1PercentPredictionInterval,
    }),
    costTpuV4CoreHours: configuration.costTpuV4CoreHours,
    source,
  };
}

/** The recorded plan's prediction for this model and epochs, when it recommended or listed them. */
function predictionInPlan(response: string, variant: string, epochs: number): Prediction | undefined {
  const plan = JSON.parse(response) as {
    recommendation: StoredConfiguration;
    alternatives: readonly StoredConfiguration[];
  };
  const match = [plan.recommendation, ...plan.alternatives].find(
    (c) => c.model.name === variant && Math.abs(c.epochs - epochs) <= 1e-9 * Math.max(1, epochs),
  );
  return match === undefined ? undefined : predictionOf(match, 'plan');
}

/** The version's law at this model and epochs, through the same evaluation GET /v1/evaluate?profile= answers with. */
async function predictionByLaw(
  app: FastifyInstance,
  profileId: string,
  name: string,
  version: number,
  variant: string,
  epochs: number,
): Promise<Prediction> {
  const planning = await app.profileLaws.version(profileId, name, version);
  if (planning === undefined) throw notFound(`Profile "${name}" has no version ${version}.`);
  const evaluation = evaluateConfiguration(app.planner, {
    model: variant,
    epochs,
    law: planning.law,
    ...(planning.datasetImages === undefined ? {} : { datasetImages: planning.datasetImages }),
  });
  return predictionOf(evaluation, 'profile_law');
}
