/**
 * /v1/profiles: a team's named calibrations. Creating or updating one fits its runs on the worker threads (as POST
 * /v1/fits) and stores the answer as a new immutable version; reads carry an ETag naming the version, updates require
 * it in If-Match (428 without, 412 when stale), and the database lets exactly one of two updates from the same version
 * through. Outcomes (outcomes.ts) and the calibration report (calibration.ts) are the profile's own routes. Every
 * route needs a key of the profile's team; another team's profile is a 404.
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessProblemResponses, IDEMPOTENCY_KEY_NOTE, KEY_REQUIRED } from '../../api/access.js';
import { COMMON_PROBLEMS, problemResponses } from '../../api/problem.js';
import {
  IfMatchHeadersSchema,
  MAX_PAGE_SIZE,
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
import { PlannerInputError } from '../../core/errors.js';
import type { ProfileVersionRecord } from '../../storage/store.js';
import { ACCESS_PROBLEM_TYPES, HttpProblem, notFound } from '../httpProblem.js';
import { answerOnce, type StoredAnswer } from '../idempotency.js';
import {
  type CalibrationInput,
  fitOnWorker,
  noProfile,
  stale,
  teamOf,
  teamProfileHead,
} from '../teamProfiles.js';
import { fitWork } from '../work.js';

const DEFAULT_PAGE_SIZE = 20;

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

async function sendAnswer(reply: FastifyReply, answer: StoredAnswer): Promise<FastifyReply> {
  return reply
    .code(answer.status)
    .headers(answer.headers)
    .type('application/json; charset=utf-8')
    .send(answer.body);
}

export const profileRoutes: FastifyPluginAsyncZod = async (app) => {
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
      const principal = await teamOf(app, request);
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
      const principal = await teamOf(app, request);
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
      const principal = await teamOf(app, request);
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
      const principal = await teamOf(app, request);
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
      const principal = await teamOf(app, request);
      const { name } = request.params;
      const { store, head } = await teamProfileHead(app, principal, name);
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
      const principal = await teamOf(app, request);
      const { name } = request.params;
      const { store, head } = await teamProfileHead(app, principal, name);
      if (request.headers['if-match'] !== undefined)
        requireMatch(request.headers['if-match'], head.id, head.version);
      if (!(await store.deleteProfile(principal.teamId, name))) throw noProfile(name);
      return { name, deletedVersions: head.version };
    },
  );
};
