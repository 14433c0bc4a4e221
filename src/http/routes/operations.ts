/**
 * GET and DELETE /v1/operations/{id}: the status monitor of a long-running request (plugins/operations.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accessProblemResponses, KEY_OPTIONAL } from '../../api/access.js';
import { OPERATION_EXAMPLE, OperationParamsSchema, OperationSchema } from '../../api/operations/schemas.js';
import { COMMON_PROBLEMS, PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problemResponses } from '../../api/problem.js';
import { JSON_CONTENT_TYPE } from '../plugins/operations.js';

export const operationRoutes: FastifyPluginAsyncZod = async (app) => {
  const notFound = (id: string, requestId: string) => ({
    type: PROBLEM_TYPES.notFound,
    title: 'Not found',
    status: 404,
    detail: `No operation ${id}: it never existed, or finished more than the retention period ago.`,
    instance: requestId,
  });

  app.get(
    '/operations/:id',
    {
      schema: {
        operationId: 'getOperation',
        summary: 'The status of a long-running request',
        description:
          "NotStarted or Running (with Retry-After, in seconds, until the next poll), then Succeeded with `result` (the body the synchronous call answers), Failed with `error`, or Canceled. Kept at least 24 hours after it finishes. An operation on a team's profile needs a key of that team (without one it is a 404, as for any unknown id).",
        tags: ['operations'],
        params: OperationParamsSchema,
        security: KEY_OPTIONAL,
        response: {
          200: OperationSchema.meta({ examples: [OPERATION_EXAMPLE] }),
          ...problemResponses(400, 404, 415, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403),
        },
      },
    },
    // The JSON text is built by plugins/operations.ts, which splices the stored result in verbatim.
    async (request, reply) => {
      const record = await app.operations.get(request.params.id, request);
      if (record === undefined)
        return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(notFound(request.params.id, request.id));
      if (record.status === 'NotStarted' || record.status === 'Running')
        reply.header('retry-after', String(app.operations.retryAfterSeconds(record.id)));
      return reply.type(JSON_CONTENT_TYPE).send(app.operations.json(record) as never);
    },
  );

  app.delete(
    '/operations/:id',
    {
      schema: {
        operationId: 'cancelOperation',
        summary: 'Cancel a long-running request',
        description:
          "Stops the work (its worker thread is terminated) and marks the operation Canceled. An operation that has already finished is returned unchanged. An operation on a team's profile needs a key of that team.",
        tags: ['operations'],
        params: OperationParamsSchema,
        security: KEY_OPTIONAL,
        response: {
          200: OperationSchema.meta({ examples: [{ ...OPERATION_EXAMPLE, status: 'Canceled' }] }),
          ...problemResponses(400, 404, 415, ...COMMON_PROBLEMS),
          ...accessProblemResponses(401, 403),
        },
      },
    },
    async (request, reply) => {
      const record = await app.operations.cancel(request.params.id, request);
      if (record === undefined)
        return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(notFound(request.params.id, request.id));
      return reply.type(JSON_CONTENT_TYPE).send(app.operations.json(record) as never);
    },
  );
};
