/**
 * Operations: the status monitor of a long-running request, as the Azure REST API guidelines define it (id, status,
 * created and last-updated times, the result once Succeeded, the error once Failed).
 */
import { z } from 'zod';
import { ProblemSchema } from '../problem.js';

export const OPERATION_STATUSES = ['NotStarted', 'Running', 'Succeeded', 'Failed', 'Canceled'] as const;

export const OperationSchema = z
  .object({
    id: z.string().describe('The operation id, the last segment of its Operation-Location.'),
    status: z.enum(OPERATION_STATUSES).describe('Succeeded, Failed and Canceled are final.'),
    createdDateTime: z.string().describe('When the request was accepted (RFC 3339).'),
    lastUpdatedDateTime: z.string().describe('When the status last changed (RFC 3339).'),
    result: z
      .unknown()
      .optional()
      .describe('Once Succeeded: exactly the body the synchronous call answers with 200.'),
    error: ProblemSchema.optional().describe(
      'Once Failed: the problem the synchronous call would have answered.',
    ),
  })
  .describe('A long-running operation.');

export const OperationParamsSchema = z.strictObject({
  id: z.string().min(1).max(100).describe('Operation id.'),
});

export const OPERATION_EXAMPLE = {
  id: '0b6f8a53-3f0c-4f39-9d5e-1c1f4f3a7b61',
  status: 'Running',
  createdDateTime: '2026-12-01T10:00:00.000Z',
  lastUpdatedDateTime: '2026-12-01T10:00:00.120Z',
} as const;

/** Documented on every route that may answer as an operation. */
export const ACCEPTED_RESPONSE = {
  202: OperationSchema.describe(
    'Accepted as a long-running operation (sent with Prefer: respond-async, or estimated to take over about a second): poll the Operation-Location header.',
  ).meta({ examples: [{ ...OPERATION_EXAMPLE, status: 'NotStarted' }] }),
};
