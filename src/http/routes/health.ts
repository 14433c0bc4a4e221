/**
 * Probes. /healthz says the process serves HTTP and checks nothing else (not the database either), so an orchestrator
 * restarts only a wedged process, never one whose database is down; /readyz says whether to send traffic (see
 * plugins/readiness.ts). Neither is rate limited.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problemResponses } from '../../api/problem.js';

const LiveSchema = z
  .object({ status: z.literal('ok') })
  .describe('The process is alive.')
  .meta({ examples: [{ status: 'ok' }] });

const ReadySchema = z
  .object({ status: z.literal('ready') })
  .describe('The service is ready for traffic.')
  .meta({ examples: [{ status: 'ready' }] });

/**
 * Probes are never rate limited, and answer even while the service sheds load (plugins/underPressure.ts): a busy
 * process is not a wedged one, so it must not be restarted. /readyz turns 503 a step before plans are shed, so an
 * overloaded pod gets no new connections while it still serves the ones it has.
 */
const PROBE = { rateLimit: false, pressureHandler: () => undefined } as const;

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      config: PROBE,
      schema: {
        operationId: 'getLiveness',
        summary: 'Liveness probe',
        description: 'Answers 200 while the process can serve HTTP; depends on nothing.',
        tags: ['operations'],
        response: { 200: LiveSchema, ...problemResponses(500) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      config: PROBE,
      schema: {
        operationId: 'getReadiness',
        summary: 'Readiness probe',
        description:
          'Answers 200 once start-up work (such as fitting the laws) is done; 503 before that, while closing, while overloaded (before plans are shed) and, when READINESS_NEEDS_DATABASE is set, while the database does not answer a check (SELECT 1 within 1 s, cached for 1 s).',
        tags: ['operations'],
        response: { 200: ReadySchema, ...problemResponses(500, 503) },
      },
    },
    async (request, reply) => {
      const { state, pending } = app.readiness;
      // Past the "unready" step the pod asks for no new traffic, before it starts shedding plans.
      const pressured = state === 'ready' && app.pressureLevel() !== 'ok' && app.pressureLevel() !== 'heavy';
      const failing = state === 'ready' && !pressured ? await app.readiness.failingChecks() : [];
      if (state === 'ready' && !pressured && failing.length === 0) return { status: 'ready' as const };
      return reply
        .code(503)
        .type(PROBLEM_CONTENT_TYPE)
        .send({
          type: PROBLEM_TYPES.notReady,
          title: 'Not ready',
          status: 503,
          detail:
            state === 'closing'
              ? 'The service is shutting down.'
              : pressured
                ? 'The service is overloaded (event-loop delay or memory); it sheds load if this goes on.'
                : failing.length > 0
                  ? `Not answering: ${failing.join(', ')}. Planning on the paper laws still works.`
                  : `The service is starting; waiting for: ${pending.join(', ')}.`,
          instance: request.id,
        });
    },
  );
};
