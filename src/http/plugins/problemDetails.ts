/**
 * The one error handler and the one not-found handler: every error the app sends is an RFC 9457 problem object served
 * as application/problem+json, with the request id as its instance. Only messages written for clients (validation
 * messages, PlannerInputError and InfeasibleError, this module's own texts) reach the body; anything else becomes a
 * generic 500 and its stack goes to the log only. A database that cannot be reached is a 503 with Retry-After, whose
 * body never quotes the driver.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  problemFor as contractProblemFor,
  MAX_ECHOED_PATH_LENGTH,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  type Problem,
  type ProblemBody,
  STORAGE_UNAVAILABLE_PROBLEM,
} from '../../api/problem.js';
import { isStorageUnavailable } from '../../storage/availability.js';
import { HttpProblem } from '../httpProblem.js';
import { WorkRefusedError } from '../work.js';
import { ForbiddenPropertyError } from './jsonBody.js';

/**
 * Maps any thrown value to the problem the client sees: the errors only the HTTP shell raises here, the rest (core
 * errors, validation issues, Fastify's client errors) by the contract's own mapping.
 */
export function problemFor(error: unknown, request: FastifyRequest): ProblemBody {
  if (error instanceof HttpProblem)
    return {
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.detail,
      ...(error.context === undefined ? {} : { context: error.context }),
    };
  if (error instanceof ForbiddenPropertyError) {
    return {
      type: PROBLEM_TYPES.forbiddenProperty,
      title: 'Forbidden property',
      status: 400,
      detail: error.message,
    };
  }
  if (isStorageUnavailable(error)) return STORAGE_UNAVAILABLE_PROBLEM;
  if (error instanceof WorkRefusedError) {
    return {
      type: PROBLEM_TYPES.overloaded,
      title: 'Service overloaded',
      status: 503,
      detail: `${error.message} Retry after ${error.retryAfterSeconds} s.`,
    };
  }
  return contractProblemFor(error, request);
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemBody): FastifyReply {
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, instance: request.id } satisfies Problem);
}

/** Every registered path pattern with its methods, for telling 405 from 404. */
class RouteIndex {
  readonly #routes: { pattern: RegExp; methods: Set<string> }[] = [];

  add(url: string, methods: readonly string[]): void {
    const source = url
      .split('/')
      .map((segment) =>
        segment.startsWith(':')
          ? '[^/]+'
          : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*'),
      )
      .join('/');
    const pattern = new RegExp(`^${source}$`);
    const existing = this.#routes.find((route) => route.pattern.source === pattern.source);
    if (existing) for (const method of methods) existing.methods.add(method);
    else this.#routes.push({ pattern, methods: new Set(methods) });
  }

  /** Methods the path answers to, sorted; empty for an unknown path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.#routes)
      if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    return [...methods].sort();
  }
}

/**
 * Retry-After of a database outage: a PostgreSQL restart or failover takes seconds, and readiness (which checks the
 * database once a second) takes the pod out of rotation meanwhile.
 */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

const problemDetailsPlugin: FastifyPluginAsync = async (app) => {
  const routes = new RouteIndex();
  app.addHook('onRoute', (route) => {
    routes.add(route.url, [route.method].flat());
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error, request);
    // Only failures of ours earn a stack in the log; shed load is counted by the summary line's 503, not logged twice.
    if (problem.type === PROBLEM_TYPES.internal) request.log.error({ err: error }, 'request failed');
    else if (problem.type === PROBLEM_TYPES.storageUnavailable) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', String(STORAGE_RETRY_AFTER_SECONDS));
    } else request.log.debug({ err: error }, 'not served');
    if (error instanceof WorkRefusedError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof HttpProblem) reply.headers(error.headers);
    return sendProblem(request, reply, problem);
  });

  const replyNotFound = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = (request.url.split('?', 1)[0] ?? '').slice(0, MAX_ECHOED_PATH_LENGTH);
    const allowed = routes.allowed(path);
    // A path whose pattern answers this very method (a wildcard route such as Swagger UI's static files, where the
    // file is missing) is a 404, not a 405.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(request, reply, {
        type: PROBLEM_TYPES.methodNotAllowed,
        title: 'Method not allowed',
        status: 405,
        detail: `${path} answers ${allowed.join(', ')}, not ${request.method}.`,
      });
    }
    return sendProblem(request, reply, {
      type: PROBLEM_TYPES.notFound,
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${path}`,
    });
  };

  // Answer before the body is read: a wrong method or path is the error to report, whatever the body holds.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.is404) replyNotFound(request, reply);
    else done();
  });
  app.setNotFoundHandler(replyNotFound);
};

export default fp(problemDetailsPlugin, { name: 'problem-details' });
