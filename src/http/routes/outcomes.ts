/**
 * /v1/profiles/{name}/outcomes: what a run trained with a profile reached, recorded against the profile (and the plan
 * it followed, when given) for its calibration report; with addToRuns the run also joins the profile's runs and the
 * profile is refitted into a new version.
 */
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { accessProblemResponses, IDEMPOTENCY_KEY_NOTE, KEY_REQUIRED } from '../../api/access.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import {
  OUTCOME_CREATE_EXAMPLE,
  OUTCOME_EXAMPLE,
  OutcomeCreateSchema,
  OutcomeParamsSchema,
  OutcomeSchema,
  ProfileParamsSchema,
} from '../../api/profiles.js';
import { parseVariant } from '../../core/architecture/variants.js';
import { PlannerInputError } from '../../core/errors.js';
import type { RunInput } from '../../core/fits/runs.js';
import type { Principal, Store } from '../../storage/store.js';
import { ACCESS_PROBLEM_TYPES, HttpProblem, notFound } from '../httpProblem.js';
import { answerOnce } from '../idempotency.js';
import {
  type CalibrationInput,
  fitOnWorker,
  noProfile,
  stale,
  teamOf,
  teamProfileHead,
} from '../teamProfiles.js';
import { fitWork } from '../work.js';

/** Refits an outcome with addToRuns tries when other updates keep landing first. */
const REFIT_ATTEMPTS = 3;

type OutcomeCreate = z.infer<typeof OutcomeCreateSchema>;

export const outcomeRoutes: FastifyPluginAsyncZod = async (app) => {
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
      const principal = await teamOf(app, request);
      return answerOnce(app, request, reply, principal, async () => {
        const { name } = request.params;
        const { addToRuns, ...outcome } = request.body;
        parseVariant(outcome.model, 'model');
        const { store, head } = await teamProfileHead(app, principal, name);
        const profileVersion =
          outcome.planId === undefined
            ? head.version
            : await versionPlannedWith(store, principal, head.id, outcome.planId);
        const refittedVersion = addToRuns
          ? await refitWithRun(app, store, principal, name, outcome, (work) =>
              app.chargeWork(request, reply, work),
            )
          : undefined;
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
      const principal = await teamOf(app, request);
      const { name, id } = request.params;
      const { store, head } = await teamProfileHead(app, principal, name);
      const outcome = await store.getOutcome(principal.teamId, head.id, id);
      if (outcome === undefined) throw notFound(`Profile "${name}" has no outcome ${id}.`);
      return {
        ...(JSON.parse(outcome.body) as OutcomeCreate),
        id: outcome.id,
        profileVersion: outcome.profileVersion,
        createdAt: outcome.createdAt,
      };
    },
  );
};

/** The profile version the recorded plan used: a 422 naming planId unless it was planned against this profile. */
async function versionPlannedWith(
  store: Store,
  principal: Principal,
  profileId: string,
  planId: string,
): Promise<number> {
  const plan = await store.getPlan(principal.teamId, planId);
  if (plan === undefined) throw invalidReference('planId', 'planId names no plan your team recorded.');
  if (plan.profileId !== profileId || plan.profileVersion === null)
    throw invalidReference(
      'planId',
      plan.profileName === null
        ? "That plan was made with the paper's laws, not against this profile."
        : `That plan was made against profile "${plan.profileName}", not this one.`,
    );
  return plan.profileVersion;
}

/**
 * Adds the outcome's run to the profile's latest runs and stores their refit as a new version, charging the refit's
 * work to the client's rate limit. When another update lands between the read and the write, it starts again from
 * that version (at most REFIT_ATTEMPTS times, then 412).
 * @returns the new version.
 */
async function refitWithRun(
  app: FastifyInstance,
  store: Store,
  principal: Principal,
  name: string,
  outcome: Omit<OutcomeCreate, 'addToRuns'>,
  chargeWork: (work: number) => void,
): Promise<number> {
  const run: RunInput = {
    model: outcome.model,
    epochs: outcome.epochs,
    loss: outcome.loss,
    ...(outcome.costTpuV4CoreHours === undefined ? {} : { costTpuV4CoreHours: outcome.costTpuV4CoreHours }),
  };
  for (let attempt = 0; attempt < REFIT_ATTEMPTS; attempt++) {
    const latest = await store.getProfile(principal.teamId, name);
    if (latest === undefined) throw noProfile(name);
    const input = JSON.parse(latest.input) as CalibrationInput;
    const next = { ...input, runs: [...input.runs, run] };
    // The refit weighs what a PUT of these runs would: the client is charged for it as for that PUT.
    chargeWork(fitWork(next));
    const fit = await fitOnWorker(app, next).catch((error: unknown) => {
      // The run the outcome adds is the last: a problem with it names the outcome's own field, which the client sent.
      const added = `runs.${input.runs.length}.`;
      if (error instanceof PlannerInputError && error.field.startsWith(added)) {
        const field = error.field.slice(added.length);
        throw new PlannerInputError(field, error.message.replaceAll(`${added}${field}`, field));
      }
      throw error;
    });
    const updated = await store.updateProfile(
      principal.teamId,
      name,
      latest.version,
      JSON.stringify(next),
      fit,
    );
    if (updated === 'missing') throw noProfile(name);
    if (updated !== 'stale') return updated.version;
  }
  throw stale(undefined);
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
