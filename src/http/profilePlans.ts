/**
 * The plan and evaluate routes' answers for requests that name a profile or ask to record the plan: the key is checked
 * (read to plan against a profile, write to record), the profile's law goes to the planner as a `law` would, and a
 * recorded plan is stored with the request that produced it before it is answered (201, its id and a Location).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type EvaluateRequest, type Evaluation, evaluateConfiguration } from '../core/planner/evaluate.js';
import { type Plan, plan } from '../core/planner/plan.js';
import type { PlanRequest } from '../core/planner/request.js';
import { answerOnce } from './idempotency.js';
import { withProfileLaw, withProfileProvenance } from './profileLaws.js';

export interface PlanBody extends PlanRequest {
  readonly profile?: string | undefined;
  readonly record?: boolean | undefined;
}

export async function planForProfileOrRecord(
  app: FastifyInstance,
  request: FastifyRequest<{ Body: PlanBody }>,
  reply: FastifyReply,
): Promise<Plan | FastifyReply> {
  const { profile: reference, record, ...planRequest } = request.body;
  const scope = record ? 'write' : 'read';
  const profile =
    reference === undefined ? undefined : await app.profileLaws.forRequest(request, reference, scope);
  const principal = await app.authenticate(request, scope);
  const planned =
    profile === undefined
      ? plan(app.planner, planRequest)
      : withProfileProvenance(plan(app.planner, withProfileLaw(planRequest, profile)), profile);
  if (!record) return planned;
  return answerOnce(app, request, reply, principal, async () => {
    const id = randomUUID();
    const recorded = { id, ...planned };
    const body = JSON.stringify(recorded);
    await (await app.store()).recordPlan(principal.teamId, {
      id,
      ...(profile && {
        profile: { id: profile.profileId, name: profile.used.name, version: profile.used.version },
      }),
      request: JSON.stringify(request.body),
      response: body,
    });
    return { status: 201, headers: { location: `/v1/plans/recorded/${id}` }, body };
  });
}

export async function evaluateForProfile(
  app: FastifyInstance,
  request: FastifyRequest,
  query: EvaluateRequest & { readonly profile: string },
): Promise<Evaluation> {
  const { profile: reference, ...evaluateRequest } = query;
  const profile = await app.profileLaws.forRequest(request, reference);
  if (evaluateRequest.law !== undefined) throw new Error('evaluate takes no law');
  const evaluation = evaluateConfiguration(app.planner, {
    ...evaluateRequest,
    law: profile.law,
    ...(evaluateRequest.datasetImages === undefined && profile.datasetImages !== undefined
      ? { datasetImages: profile.datasetImages }
      : {}),
  });
  return withProfileProvenance(evaluation, profile);
}
