/**
 * The CPU-heavy tasks and how they run: fits, targets and batches of plans, each answered as the UTF-8 bytes of the
 * route's 200 body, or a core error carried as plain data. Shared by the worker threads (heavyWork.ts) and the event
 * loop (small batches), so both give byte-identical answers. Serializing here, in the thread that did the work, keeps
 * the 10 MB of a full batch off the event loop and out of a structured clone of a thousand objects.
 */

import { isDeepStrictEqual } from 'node:util';
import type { MessagePort } from 'node:worker_threads';
import fastJson from 'fast-json-stringify';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { FitsResponseSchema } from '../api/fits/schemas.js';
import { PlanRequestSchema, PlanSchema } from '../api/plans/schemas.js';
import { type Problem, ProblemSchema, problemFor } from '../api/problem.js';
import { frozenLaw, type ProfileLaw, withProfileLaw, withProfileProvenance } from '../api/profileLaw.js';
import { ResponseConformanceError, responseJsonSchema } from '../api/serializer.js';
import { TargetResponseSchema } from '../api/targets/schemas.js';
import { InfeasibleError, PlannerInputError } from '../core/errors.js';
import { type FitRunsRequest, fitRuns } from '../core/fits/fitRuns.js';
import type { PlannerContext } from '../core/planner/context.js';
import { plan } from '../core/planner/plan.js';
import type { PlanRequest } from '../core/planner/request.js';
import { budgetForTarget, type TargetRequest } from '../core/targets/budgetForTarget.js';

export type HeavyTask = (
  | { readonly kind: 'fit'; readonly body: FitRunsRequest }
  | { readonly kind: 'target'; readonly body: TargetRequest; readonly profile?: ProfileLaw }
  | {
      readonly kind: 'batch';
      readonly items: readonly unknown[];
      readonly requestId: string;
      /** Every item is planned against this profile's law. */
      readonly profile?: ProfileLaw;
    }
) & {
  /** Told when a thread picks the task up, so an operation can say Running rather than NotStarted. */
  readonly started?: MessagePort;
};

/** A core error as plain data: class identity does not survive a postMessage. */
export type TaskError =
  | { readonly kind: 'input'; readonly field: string; readonly message: string }
  | { readonly kind: 'infeasible'; readonly message: string; readonly detail: Record<string, unknown> };

/** The 200 body as UTF-8 bytes: a worker hands them to the event loop without a copy (heavyWork.ts). */
export type TaskOutcome =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly error: TaskError };

/** Turns a TaskError back into the core error the problem-details handler maps to a 400 or 422. */
export function rethrow(error: TaskError): never {
  if (error.kind === 'input') throw new PlannerInputError(error.field, error.message);
  throw new InfeasibleError(error.message, error.detail);
}

type Stringify = (value: unknown) => string;

function compile(schema: z.ZodType, checkResponses: boolean, route: string): Stringify {
  const stringify = fastJson(responseJsonSchema(schema)) as Stringify;
  if (!checkResponses) return stringify;
  return (value) => {
    const checked = schema.safeParse(value);
    if (!checked.success) throw new ResponseConformanceError(route, checked.error.issues);
    return stringify(value);
  };
}

/**
 * A batch's plans are written by JSON.stringify: when a thousand plans are joined into one body it is faster than
 * fast-json-stringify, whose output is a rope of small strings that the join must flatten (on Node 26, 1,000-item
 * batches took the server 235-253 ms of CPU with it against 111-119 with JSON.stringify). An item therefore holds the
 * values POST /v1/plans answers in the plan object's key order, which differs from the schema serializer's (it writes
 * optional keys last). It writes whatever the object holds, so with
 * `checkResponses` (the tests) each plan must also be exactly what the schema's serializer writes: no key the
 * document does not describe.
 */
function compilePlanItem(checkResponses: boolean): Stringify {
  if (!checkResponses) return JSON.stringify;
  const documented = compile(PlanSchema, true, 'POST /v1/plans/batch 200 (item)');
  return (value) => {
    const json = JSON.stringify(value);
    if (!isDeepStrictEqual(JSON.parse(json), JSON.parse(documented(value))))
      throw new ResponseConformanceError('POST /v1/plans/batch 200 (item)', [
        {
          code: 'custom',
          path: [],
          message: 'the plan holds keys its schema does not describe',
          input: value,
        },
      ]);
    return json;
  };
}

const encoder = new TextEncoder();

/**
 * `head`, the parts separated by commas, then `tail`, as UTF-8 bytes written straight into one buffer. Joining a
 * thousand plans into a string and encoding it costs three times their JSON.stringify (a rope flattened into a 10 MB
 * string, then copied again, all of it garbage for the collector's threads); writing each part in place costs less
 * than one more (bench/plan.ts, batch rows). The buffer starts at one byte per UTF-16 unit, exact for ASCII, and
 * doubles when a part needs more.
 */
export function joinedUtf8(head: string, parts: readonly string[], tail: string): Uint8Array {
  let units = head.length + tail.length + Math.max(0, parts.length - 1);
  for (const part of parts) units += part.length;
  let buffer = new Uint8Array(units);
  let written = 0;
  const write = (text: string) => {
    for (;;) {
      const result = encoder.encodeInto(text, buffer.subarray(written));
      written += result.written;
      if (result.read === text.length) return;
      text = text.slice(result.read);
      const grown = new Uint8Array(Math.max(buffer.length * 2, written + 3 * text.length));
      grown.set(buffer.subarray(0, written));
      buffer = grown;
    }
  };
  write(head);
  parts.forEach((part, i) => {
    if (i > 0) write(',');
    write(part);
  });
  write(tail);
  return written === buffer.length ? buffer : buffer.slice(0, written);
}

export interface TaskRunner {
  run(task: HeavyTask): TaskOutcome;
}

/** problemFor reads the request only for a body-size limit, which no batch item can exceed. */
const ITEM_REQUEST = { routeOptions: { bodyLimit: 0 } } as unknown as FastifyRequest;

export function createTaskRunner(planner: PlannerContext, options: { checkResponses: boolean }): TaskRunner {
  const fitJson = compile(FitsResponseSchema, options.checkResponses, 'POST /v1/fits 200');
  const targetJson = compile(TargetResponseSchema, options.checkResponses, 'POST /v1/targets 200');
  const planJson = compilePlanItem(options.checkResponses);
  const problemJson = compile(ProblemSchema, options.checkResponses, 'POST /v1/plans/batch 200 (item)');

  function planItem(request: PlanRequest & { profile?: string; record?: boolean }, profile?: ProfileLaw) {
    const { profile: reference, record, ...planRequest } = request;
    if (reference !== undefined)
      throw new PlannerInputError(
        'profile',
        "name the profile once, as the batch's profile, not in its items",
      );
    if (record !== undefined)
      throw new PlannerInputError('record', 'plans are recorded one at a time, with POST /v1/plans');
    if (profile === undefined) return plan(planner, planRequest);
    return withProfileProvenance(plan(planner, withProfileLaw(planRequest, profile)), profile);
  }

  function target(body: TargetRequest, profile?: ProfileLaw) {
    if (profile === undefined) return budgetForTarget(planner, body);
    const result = budgetForTarget(planner, withProfileLaw(body, profile));
    return {
      ...result,
      byPlanner: { ...result.byPlanner, plan: withProfileProvenance(result.byPlanner.plan, profile) },
    };
  }

  function batch(items: readonly unknown[], requestId: string, profile?: ProfileLaw): Uint8Array {
    // The profile's law arrives as a copy: frozen, it is checked once for the whole batch.
    if (profile !== undefined) frozenLaw(profile.law);
    let failed = 0;
    const parts = items.map((item, index) => {
      try {
        const parsed = PlanRequestSchema.safeParse(item);
        if (!parsed.success)
          throw Object.assign(new Error('invalid item'), {
            validationContext: 'body',
            validation: parsed.error.issues.map((issue) => ({
              instancePath: `/${issue.path.join('/')}`,
              message: issue.message,
              keyword: issue.code,
              params: 'keys' in issue ? { keys: issue.keys } : {},
            })),
          });
        return planJson(planItem(parsed.data, profile));
      } catch (error) {
        failed += 1;
        const problem: Problem = {
          ...problemFor(error, ITEM_REQUEST),
          instance: `${requestId}/items/${index}`,
        };
        return problemJson(problem);
      }
    });
    return joinedUtf8('{"results":[', parts, `],"succeeded":${items.length - failed},"failed":${failed}}`);
  }

  return {
    run(task) {
      try {
        const body =
          task.kind === 'fit'
            ? encoder.encode(fitJson(fitRuns(task.body, planner.laws.costModel)))
            : task.kind === 'target'
              ? encoder.encode(targetJson(target(task.body, task.profile)))
              : batch(task.items, task.requestId, task.profile);
        return { ok: true, body };
      } catch (error) {
        if (error instanceof PlannerInputError)
          return { ok: false, error: { kind: 'input', field: error.field, message: error.message } };
        if (error instanceof InfeasibleError)
          return {
            ok: false,
            error: { kind: 'infeasible', message: error.message, detail: { ...error.detail } },
          };
        throw error;
      }
    },
  };
}
