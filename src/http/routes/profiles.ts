/**
 * /v1/profiles: a team's named calibrations. Creating or updating one fits its runs on the worker threads (as POST
 * /v1/fits) and stores the answer as a new immutable version; reads carry an ETag naming the version, updates require
 * it in If-Match (428 without, 412 when stale), and the database lets exactly one of two updates from the same version
 * through. Outcomes of runs trained with a plan are posted against the profile, and the calibration report compares
 * each with its prediction. Every route needs a key of the profile's team; another team's profile is a 404.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessProblemResponses, IDEMPOTENCY_KEY_NOTE, KEY_REQUIRED } from '../../api/access.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import {
  CALIBRATION_EXAMPLE,
  CALIBRATION_SOURCE,
  CalibrationSchema,
  IfMatchHeadersSchema,
  MAX_PAGE_SIZE,
  OUTCOME_CREATE_EXAMPLE,
  OUTCOME_EXAMPLE,
  OutcomeCreateSchema,
  OutcomeParamsSchema,
  OutcomeSchema,
  PROFILE_CREATE_EXAMPLE,
  PROFILE_EXAMPLE,
  PROFILE_LIST_EXAMPLE,
  ProfileCreateSchema,
  ProfileDeletedSchema,
  ProfileListQuerySchema,
  ProfileListSchema,
  ProfileParamsSchema,
  ProfileSchema,
  ProfileUpdateSchema,
  ProfileVersionParamsSchema,
} from '../../api/profiles.js';
import { parseVariant } from '../../core/architecture/variants.js';
import {
  type CalibrationPoint,
  calibrationSummary,
  differenceSummary,
  isCovered,
  relativeError,
} from '../../core/calibration/calibrationSummary.js';
import { PlannerInputError } from '../../core/errors.js';
import type { RunInput } from '../../core/fits/runs.js';
import { evaluateConfiguration } from '../../core/planner/evaluate.js';
import type { Principal, ProfileVersionRecord } from '../../storage/store.js';
import { ACCESS_PROBLEM_TYPES, HttpProblem, notFound } from '../httpProblem.js';
import { answerOnce, type StoredAnswer } from '../idempotency.js';
import { fitWork } from '../work.js';

const DEFAULT_PAGE_SIZE = 20;
/** Outcomes a calibration report covers (the oldest first). */
const MAX_CALIBRATION_OUTCOMES = 10_000;
/** Refits an outcome with addToRuns tries when other updates keep landing first. */
const REFIT_ATTEMPTS = 3;

/** What a version was fitted from, as stored. */
interface CalibrationInput {
  readonly description?: string | undefined;
  readonly runs: readonly RunInput[];
  readonly datasetImages?: number | undefined;
  readonly bootstrap?:
    | { readonly samples?: number | undefined; readonly seed?: number | undefined }
    | undefined;
}

/** The ETag of a version: the profile's random id (so a profile created again never matches) and the version. */
function etagOf(profileId: string, version: number): string {
  return `"${profileId.slice(0, 8)}-${version}"`;
}

function profileBody(record: ProfileVersionRecord) {
  const input = JSON.parse(record.input) as CalibrationInput;
  return {
    name: record.name,
    version: record.version,
    latestVersion: record.latestVersion,
    ...(input.description === undefined ? {} : { description: input.description }),
    createdAt: record.createdAt,
    versionCreatedAt: record.versionCreatedAt,
    runs: input.runs,
    ...(input.datasetImages === undefined ? {} : { datasetImages: input.datasetImages }),
    ...(input.bootstrap === undefined ? {} : { bootstrap: input.bootstrap }),
    fit: JSON.parse(record.fit) as unknown,
  };
}

function profileAnswer(record: ProfileVersionRecord, status: number): StoredAnswer {
  return {
    status,
    headers: {
      etag: etagOf(record.profileId, record.version),
      ...(status === 201 ? { location: `/v1/profiles/${record.name}` } : {}),
    },
    body: JSON.stringify(profileBody(record)),
  };
}

function inputOf(body: CalibrationInput): CalibrationInput {
  return {
    ...(body.description === undefined ? {} : { description: body.description }),
    runs: body.runs,
    ...(body.datasetImages === undefined ? {} : { datasetImages: body.datasetImages }),
    ...(body.bootstrap === undefined ? {} : { bootstrap: body.bootstrap }),
  };
}

/** Fits the runs on a worker thread; the JSON of the POST /v1/fits answer, or its 400/422. */
async function fitOnWorker(app: FastifyInstance, input: CalibrationInput): Promise<string> {
  const { description: _description, ...body } = input;
  // The pool answers with the body's JSON, as text or as its UTF-8 bytes: stored as text either way.
  return String(await app.heavyWork.run({ kind: 'fit', body }));
}

const CURSOR = z.strictObject({ after: z.string().max(64) });

function encodeCursor(afterName: string): string {
  return Buffer.from(JSON.stringify({ after: afterName })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const invalid = () =>
    new PlannerInputError('cursor', 'cursor must be a nextCursor this API returned, sent unchanged');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const checked = CURSOR.safeParse(parsed);
  if (!checked.success) throw invalid();
  return checked.data.after;
}

/**
 * The version an If-Match names, checked against the latest: 428 without one, 412 unless one of its entity tags is
 * the latest version's (strong comparison, RFC 9110 section 13.1.1; `*` matches any current version).
 */
function requireMatch(ifMatch: string | undefined, profileId: string, latestVersion: number): number {
  if (ifMatch === undefined || ifMatch.trim() === '')
    throw new HttpProblem(
      428,
      ACCESS_PROBLEM_TYPES.preconditionRequired,
      'Precondition required',
      'Send If-Match with the ETag you last read, so an update does not overwrite one you have not seen.',
    );
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*') || tags.includes(etagOf(profileId, latestVersion))) return latestVersion;
  throw stale(latestVersion);
}

function stale(latestVersion: number | undefined): HttpProblem {
  return new HttpProblem(
    412,
    ACCESS_PROBLEM_TYPES.preconditionFailed,
    'Precondition failed',
    `The profile changed since that ETag${latestVersion === undefined ? '' : `: it is at version ${latestVersion}`}. GET it again, then retry.`,
  );
}

function noProfile(name: string): HttpProblem {
  return notFound(`Your team has no profile named "${name}".`);
}

function invalidReference(field: string, detail: string): HttpProblem {
  return new HttpProblem(
    422,
    ACCESS_PROBLEM_TYPES.invalidReference,
    'Invalid reference',
    detail,
    {},
    { field },
  );
}

async function sendAnswer(reply: FastifyReply, answer: StoredAnswer): Promise<FastifyReply> {
  return reply
    .code(answer.status)
    .headers(answer.headers)
    .type('application/json; charset=utf-8')
    .send(answer.body);
}

export const profileRoutes: FastifyPluginAsyncZod = async (app) => {
  const principalOf = (request: Parameters<FastifyInstance['authenticate']>[0]): Promise<Principal> =>
    app.authenticate(request, request.routeOptions.config.scope ?? 'read');

  app.post(
    '/profiles',
    {
      config: { scope: 'write', work: (request) => fitWork(request.body as CalibrationInput) },
      schema: {
        operationId: 'createProfile',
        summary: "Create a profile: your runs, fitted, as your team's named calibration",
        description: `Fits the runs as POST /v1/fits does (on the worker threads) and stores runs and fit as version 1. Plan against it with \`profile\` in POST /v1/plans, /v1/plans/batch, /v1/targets or GET /v1/evaluate. ${IDEMPOTENCY_KEY_NOTE} Needs a key with scope write.`,
        tags: ['profiles'],
        security: KEY_REQUIRED,
        body: ProfileCreateSchema.meta({ examples: [PROFILE_CREATE_EXAMPLE] }),
        response: {
          201: ProfileSchema.meta({ examples: [PROFILE_EXAMPLE] }),
          ...problemResponses(400, 413, 415, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      return answerOnce(app, request, reply, principal, async () => {
        const { name, ...body } = request.body;
        const input = inputOf(body);
        const fit = await fitOnWorker(app, input);
        const created = await (await app.store()).createProfile(
          principal.teamId,
          name,
          JSON.stringify(input),
          fit,
        );
        if (created === undefined)
          throw new HttpProblem(
            409,
            ACCESS_PROBLEM_TYPES.conflict,
            'Conflict',
            `Your team already has a profile named "${name}"; update it with PUT.`,
          );
        return profileAnswer(created, 201);
      });
    },
  );

  app.get(
    '/profiles',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'listProfiles',
        summary: "Your team's profiles, by name",
        description:
          'Cursor pagination: send the nextCursor of a page as `cursor` for the next. Needs scope read.',
        tags: ['profiles'],
        security: KEY_REQUIRED,
        querystring: ProfileListQuerySchema,
        response: {
          200: ProfileListSchema.meta({ examples: [PROFILE_LIST_EXAMPLE] }),
          ...problemResponses(400, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403),
        },
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      const limit = Math.min(request.query.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
      const after = request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor);
      const rows = await (await app.store()).listProfiles(principal.teamId, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => {
          const input = JSON.parse(row.input) as CalibrationInput;
          const fit = JSON.parse(row.fit) as { law: { id: string; coefficients: Record<string, number> } };
          return {
            name: row.name,
            version: Number(row.version),
            ...(input.description === undefined ? {} : { description: input.description }),
            createdAt: row.createdAt,
            versionCreatedAt: row.versionCreatedAt,
            runCount: input.runs.length,
            law: fit.law as z.infer<typeof ProfileSchema>['fit']['law'],
          };
        }),
        ...(rows.length > limit && last !== undefined ? { nextCursor: encodeCursor(last.name) } : {}),
      };
    },
  );

  app.get(
    '/profiles/:name',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getProfile',
        summary: 'The latest version of a profile',
        description: 'The ETag names the version: send it as If-Match to update. Needs scope read.',
        tags: ['profiles'],
        security: KEY_REQUIRED,
        params: ProfileParamsSchema,
        response: {
          200: ProfileSchema.meta({ examples: [PROFILE_EXAMPLE] }),
          ...problemResponses(400, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const record = await (await app.store()).getProfile(principal.teamId, request.params.name);
      if (record === undefined) throw noProfile(request.params.name);
      return sendAnswer(reply, profileAnswer(record, 200));
    },
  );

  app.get(
    '/profiles/:name/versions/:version',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getProfileVersion',
        summary: 'One version of a profile (versions never change)',
        description:
          "The runs and the POST /v1/fits answer of one version of one of your team's profiles. A version is written once and never changed; another team's profile, or a version that does not exist, is a 404.",
        tags: ['profiles'],
        security: KEY_REQUIRED,
        params: ProfileVersionParamsSchema,
        response: {
          200: ProfileSchema.meta({ examples: [PROFILE_EXAMPLE] }),
          ...problemResponses(400, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const { name, version } = request.params;
      const record = await (await app.store()).getProfile(principal.teamId, name, version);
      if (record === undefined)
        throw notFound(`Your team has no profile "${name}" with a version ${version}.`);
      return sendAnswer(
        reply.header('cache-control', 'private, max-age=31536000, immutable'),
        profileAnswer(record, 200),
      );
    },
  );

  app.put(
    '/profiles/:name',
    {
      config: { scope: 'write', work: (request) => fitWork(request.body as CalibrationInput) },
      schema: {
        operationId: 'updateProfile',
        summary: "Replace a profile's runs: refitted into a new version",
        description:
          'Requires If-Match with the ETag of the latest version (428 without it, 412 when another update came first). Needs scope write.',
        tags: ['profiles'],
        security: KEY_REQUIRED,
        params: ProfileParamsSchema,
        headers: IfMatchHeadersSchema,
        body: ProfileUpdateSchema.meta({ examples: [{ runs: PROFILE_CREATE_EXAMPLE.runs }] }),
        response: {
          200: ProfileSchema.meta({ examples: [PROFILE_EXAMPLE] }),
          ...problemResponses(400, 413, 415, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404, 412, 422, 428),
        },
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      const { name } = request.params;
      const store = await app.store();
      const head = await store.profileHead(principal.teamId, name);
      if (head === undefined) throw noProfile(name);
      const expected = requireMatch(request.headers['if-match'], head.id, head.version);
      const input = inputOf(request.body);
      const fit = await fitOnWorker(app, input);
      const updated = await store.updateProfile(principal.teamId, name, expected, JSON.stringify(input), fit);
      if (updated === 'missing') throw noProfile(name);
      if (updated === 'stale') throw stale(undefined);
      return sendAnswer(reply, profileAnswer(updated, 200));
    },
  );

  app.delete(
    '/profiles/:name',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'deleteProfile',
        summary: 'Delete a profile with its versions and outcomes',
        description:
          'Recorded plans stay (they name the profile and version they used). If-Match, when sent, must name the latest version. Needs scope admin.',
        tags: ['profiles'],
        security: KEY_REQUIRED,
        params: ProfileParamsSchema,
        headers: IfMatchHeadersSchema,
        response: {
          200: ProfileDeletedSchema.meta({ examples: [{ name: 'vision', deletedVersions: 3 }] }),
          ...problemResponses(400, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404, 412),
        },
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      const { name } = request.params;
      const store = await app.store();
      const head = await store.profileHead(principal.teamId, name);
      if (head === undefined) throw noProfile(name);
      if (request.headers['if-match'] !== undefined)
        requireMatch(request.headers['if-match'], head.id, head.version);
      if (!(await store.deleteProfile(principal.teamId, name))) throw noProfile(name);
      return { name, deletedVersions: head.version };
    },
  );

  app.post(
    '/profiles/:name/outcomes',
    {
      config: { scope: 'write' },
      schema: {
        operationId: 'recordOutcome',
        summary: 'Record what a run planned with the profile reached',
        description: `Give planId (from POST /v1/plans with record: true) to compare with that plan's prediction. With addToRuns the run joins the profile's runs and the profile is refitted into a new version. ${IDEMPOTENCY_KEY_NOTE} Needs scope write.`,
        tags: ['profiles'],
        security: KEY_REQUIRED,
        params: ProfileParamsSchema,
        body: OutcomeCreateSchema.meta({ examples: [OUTCOME_CREATE_EXAMPLE] }),
        response: {
          201: OutcomeSchema.meta({ examples: [OUTCOME_EXAMPLE] }),
          ...problemResponses(400, 413, 415, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request);
      return answerOnce(app, request, reply, principal, async () => {
        const { name } = request.params;
        const { addToRuns, ...outcome } = request.body;
        parseVariant(outcome.model, 'model');
        const store = await app.store();
        const head = await store.profileHead(principal.teamId, name);
        if (head === undefined) throw noProfile(name);
        let profileVersion = head.version;
        if (outcome.planId !== undefined) {
          const plan = (await store.getPlans(principal.teamId, [outcome.planId]))[0];
          if (plan === undefined)
            throw invalidReference('planId', 'planId names no plan your team recorded.');
          if (plan.profileId !== head.id || plan.profileVersion === null)
            throw invalidReference(
              'planId',
              plan.profileName === null
                ? "That plan was made with the paper's laws, not against this profile."
                : `That plan was made against profile "${plan.profileName}", not this one.`,
            );
          profileVersion = plan.profileVersion;
        }
        let refittedVersion: number | undefined;
        if (addToRuns) {
          const run: RunInput = {
            model: outcome.model,
            epochs: outcome.epochs,
            loss: outcome.loss,
            ...(outcome.costTpuV4CoreHours === undefined
              ? {}
              : { costTpuV4CoreHours: outcome.costTpuV4CoreHours }),
          };
          for (let attempt = 0; refittedVersion === undefined; attempt++) {
            if (attempt === REFIT_ATTEMPTS) throw stale(undefined);
            const latest = await store.getProfile(principal.teamId, name);
            if (latest === undefined) throw noProfile(name);
            const input = JSON.parse(latest.input) as CalibrationInput;
            const next = { ...input, runs: [...input.runs, run] };
            const fit = await fitOnWorker(app, next);
            const updated = await store.updateProfile(
              principal.teamId,
              name,
              latest.version,
              JSON.stringify(next),
              fit,
            );
            if (updated === 'missing') throw noProfile(name);
            if (updated !== 'stale') refittedVersion = updated.version;
          }
        }
        const recorded = await store.addOutcome(principal.teamId, head.id, {
          planId: outcome.planId ?? null,
          profileVersion,
          body: JSON.stringify(outcome),
        });
        const body = {
          ...outcome,
          id: recorded.id,
          profileVersion,
          createdAt: recorded.createdAt,
          ...(refittedVersion === undefined ? {} : { refittedVersion }),
        };
        return {
          status: 201,
          headers: { location: `/v1/profiles/${name}/outcomes/${recorded.id}` },
          body: JSON.stringify(body),
        };
      });
    },
  );

  app.get(
    '/profiles/:name/outcomes/:id',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getOutcome',
        summary: 'A recorded outcome',
        description:
          'One outcome posted against this profile: what the run reached, the plan it followed if any, and the version whose law predicts it.',
        tags: ['profiles'],
        security: KEY_REQUIRED,
        params: OutcomeParamsSchema,
        response: {
          200: OutcomeSchema.meta({ examples: [OUTCOME_EXAMPLE] }),
          ...problemResponses(400, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const principal = await principalOf(request);
      const { name, id } = request.params;
      const store = await app.store();
      const head = await store.profileHead(principal.teamId, name);
      if (head === undefined) throw noProfile(name);
      const outcome = await store.getOutcome(principal.teamId, head.id, id);
      if (outcome === undefined) throw notFound(`Profile "${name}" has no outcome ${id}.`);
      return {
        ...(JSON.parse(outcome.body) as z.infer<typeof OutcomeCreateSchema>),
        id: outcome.id,
        profileVersion: outcome.profileVersion,
        createdAt: outcome.createdAt,
      };
    },
  );

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
      const principal = await principalOf(request);
      const { name } = request.params;
      const store = await app.store();
      const head = await store.profileHead(principal.teamId, name);
      if (head === undefined) throw noProfile(name);
      const outcomes = await store.listOutcomes(principal.teamId, head.id, MAX_CALIBRATION_OUTCOMES);
      const planIds = [...new Set(outcomes.flatMap((o) => (o.planId === null ? [] : [o.planId])))];
      const plans = new Map((await store.getPlans(principal.teamId, planIds)).map((p) => [p.id, p]));
      const losses: CalibrationPoint[] = [];
      const top1s: CalibrationPoint[] = [];
      const costs: CalibrationPoint[] = [];
      const entries = [];
      for (const outcome of outcomes) {
        const observed = JSON.parse(outcome.body) as z.infer<typeof OutcomeCreateSchema>;
        const variant = parseVariant(observed.model, 'model');
        const plan = outcome.planId === null ? undefined : plans.get(outcome.planId);
        const predicted =
          (plan && predictionInPlan(plan.response, variant, observed.epochs)) ??
          (await predictionByLaw(app, head.id, name, outcome.profileVersion, variant, observed.epochs));
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
        entries.push({
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
        });
      }
      const { n: _n, ...costSummary } = calibrationSummary(costs);
      return {
        profile: { name, latestVersion: head.version },
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
    },
  );
};

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
