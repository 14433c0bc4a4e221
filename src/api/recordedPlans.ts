/** GET /v1/plans/{id}: a plan recorded with record: true, with the request that produced it. */
import { z } from 'zod';
import { PlanSchema } from '../http/schemas/plan.js';
import { ProfileUsedSchema } from './profileReference.js';

export const RecordedPlanParamsSchema = z.strictObject({ id: z.uuid() });

export const RecordedPlanSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.string().describe('ISO 8601, UTC.'),
    profile: ProfileUsedSchema.pick({ name: true, version: true })
      .optional()
      .describe('The profile version it was planned against.'),
    request: z.record(z.string(), z.unknown()).describe('The POST /v1/plans body, as sent.'),
    plan: PlanSchema.describe('The plan, as answered.'),
  })
  .describe('A recorded plan.');
