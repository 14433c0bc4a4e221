/** GET /v1/plans/recorded/{id}: a plan recorded with record: true, with the request that produced it. */
import { z } from 'zod';
import type { Plan } from '../core/planner/plan.js';
import { responseExamples } from './examples.js';
import { PLAN_REQUEST_EXAMPLE } from './plans/examples.js';
import { PlanSchema } from './plans/schemas.js';
import { IdSchema, ProfileUsedSchema } from './profileReference.js';

export const RecordedPlanParamsSchema = z.strictObject({
  id: IdSchema.describe('The id POST /v1/plans returned with record: true.'),
});

export const RecordedPlanSchema = z
  .object({
    id: IdSchema,
    createdAt: z.string().describe('ISO 8601, UTC.'),
    profile: ProfileUsedSchema.pick({ name: true, version: true })
      .optional()
      .describe('The profile version it was planned against.'),
    request: z.record(z.string(), z.unknown()).describe('The POST /v1/plans body, as sent.'),
    plan: PlanSchema.describe('The plan, as answered.'),
  })
  .describe('A recorded plan.');

export const RECORDED_PLAN_ID_EXAMPLE = '0f8c1c56-2f43-4d55-9a4c-3f1f3f7b9d10';

/** The stored answer of POST /v1/plans to its example request (src/api/examples.ts). */
const PLAN_EXAMPLE = responseExamples('createPlan')[0] as Plan;

export const RECORDED_PLAN_EXAMPLE = {
  id: RECORDED_PLAN_ID_EXAMPLE,
  createdAt: '2026-12-05T20:05:00.000Z',
  request: { ...PLAN_REQUEST_EXAMPLE, record: true },
  plan: { id: RECORDED_PLAN_ID_EXAMPLE, ...PLAN_EXAMPLE },
} as const;
