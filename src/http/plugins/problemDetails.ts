/**
 * The one error handler and the one not-found handler: every error the app sends is an RFC 9457 problem object served
 * as application/problem+json, with the request id as its instance. Only messages written for clients (validation
 * messages, PlannerInputError and InfeasibleError, this module's own texts) reach the body; anything else becomes a
 * generic 500 and its stack goes to the log only.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { InfeasibleError, PlannerInputError } from '../../core/errors.js';
import { HttpProblem } from '../httpProblem.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, type Problem, statusTitle } from '../schemas/problem.js';
import { WorkRefusedError } from '../work.js';
import { ForbiddenPropertyError } from './jsonBody.js';

type ProblemBody = Omit<Problem, 'instance'>;

/** The not-found detail quotes the path; a client-chosen string, so it is bounded. */
const MAX_ECHOED_PATH_LENGTH = 200;

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** "/budget/amount" -> "budget.amount"; an unknown key is reported at its own path, not its parent's. */
export function issuePaths(issue: ValidationIssue, context: string | undefined): string[] {
  const base = (issue.instancePath ?? '').split('/').filter((segment) => segment !== '');
  const keys = issue.keyword === 'unrecognized_keys' ? issue.params?.keys : undefined;
  if (Array.isArray(keys) && keys.length > 0) return keys.map((key) => [...base, String(key)].join('.'));
  return [base.length > 0 ? base.join('.') : (context ?? 'body')];
}

/**
 * A 1 MiB body of unknown keys would otherwise come back as a 7 MB answer (each key in errors[] and again in detail):
 * at most this many issues are listed, each path cut to MAX_ECHOED_PATH_LENGTH, and detail says how many were left out.
 */
export const MAX_LISTED_ISSUES = 20;

function validationProblem(issues: readonly ValidationIssue[], context: string | undefined): ProblemBody {
  const all = issues.flatMap((issue) => {
    const message =
      issue.keyword === 'unrecognized_keys' ? 'Unknown property' : (issue.message ?? 'Invalid value');
    return issuePaths(issue, context).map((path) => ({
      path: path.slice(0, MAX_ECHOED_PATH_LENGTH),
      message,
    }));
  });
  const errors = all.slice(0, MAX_LISTED_ISSUES);
  const omitted = all.length - errors.length;
  return {
    type: PROBLEM_TYPES.validation,
    title: 'Invalid request',
    status: 400,
    detail:
      errors.map((error) => `${error.path}: ${error.message}`).join('; ') +
      (omitted > 0 ? `; and ${omitted} more issues not listed` : ''),
    errors,
  };
}

const SAFE_CLIENT_ERRORS: Record<string, (error: FastifyError, request: FastifyRequest) => ProblemBody> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => ({
    type: PROBLEM_TYPES.malformedJson,
    title: 'Malformed JSON',
    status: 400,
    detail: 'The request body is not valid JSON.',
  }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => ({
    type: PROBLEM_TYPES.malformedJson,
    title: 'Malformed JSON',
    status: 400,
    detail: 'The content type is application/json but the body is empty.',
  }),
  FST_ERR_CTP_BODY_TOO_LARGE: (_error, request) => ({
    type: PROBLEM_TYPES.bodyTooLarge,
    title: 'Request body too large',
    status: 413,
    detail: `The request body exceeds the limit of ${request.routeOptions.bodyLimit} bytes.`,
  }),
  // @fastify/under-pressure shedding load; it has already set the retry-after header.
  FST_UNDER_PRESSURE: () => ({
    type: PROBLEM_TYPES.overloaded,
    title: 'Service overloaded',
    status: 503,
    detail: 'The service is overloaded; retry after the number of seconds in the retry-after header.',
  }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => ({
    type: PROBLEM_TYPES.unsupportedMediaType,
    title: 'Unsupported media type',
    status: 415,
    detail: 'Send the body as application/json.',
  }),
};

/** Maps any thrown value to the problem the client sees. Pure apart from reading the error. */
export function problemFor(error: unknown, request: FastifyRequest): ProblemBody {
  if (error instanceof HttpProblem)
    return {
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.detail,
      ...(error.context === undefined ? {} : { context: error.context }),
    };
  if (error instanceof PlannerInputError) {
    return validationProblem(
      [{ instancePath: `/${error.field.split('.').join('/')}`, message: error.message }],
      'body',
    );
  }
  if (error instanceof InfeasibleError) {
    return {
      type: PROBLEM_TYPES.infeasible,
      title: 'Request cannot be satisfied',
      status: 422,
      detail: error.message,
      context: { ...error.detail },
    };
  }
  if (error instanceof ForbiddenPropertyError) {
    return {
      type: PROBLEM_TYPES.forbiddenProperty,
      title: 'Forbidden property',
      status: 400,
      detail: error.message,
    };
  }
  if (error instanceof WorkRefusedError) {
    return {
      type: PROBLEM_TYPES.overloaded,
      title: 'Service overloaded',
      status: 503,
      detail: `${error.message} Retry after ${error.retryAfterSeconds} s.`,
    };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return {
      type: PROBLEM_TYPES.overloaded,
      title: 'Service overloaded',
      status: 503,
      detail: 'The work was stopped before it finished (the service is shutting down); retry.',
    };
  }
  const fastifyError = error as Partial<FastifyError> | null;
  if (Array.isArray(fastifyError?.validation)) {
    return validationProblem(fastifyError.validation, fastifyError.validationContext);
  }
  const known = fastifyError?.code ? SAFE_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return known(fastifyError as FastifyError, request);
  const status = fastifyError?.statusCode;
  if (status === 429) {
    return {
      type: PROBLEM_TYPES.rateLimited,
      title: 'Too many requests',
      status,
      detail: fastifyError?.message ?? 'Rate limit exceeded.',
    };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Another client error raised by Fastify or a plugin: its message is not vetted, so say only the status.
    return {
      type: PROBLEM_TYPES.badRequest,
      title: statusTitle(status),
      status,
      detail: statusTitle(status),
    };
  }
  return {
    type: PROBLEM_TYPES.internal,
    title: 'Internal server error',
    status: 500,
    detail: 'The server failed to handle the request; quote the instance id when reporting it.',
  };
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

const problemDetailsPlugin: FastifyPluginAsync = async (app) => {
  const routes = new RouteIndex();
  app.addHook('onRoute', (route) => {
    routes.add(route.url, [route.method].flat());
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error, request);
    // Only failures of ours earn a stack in the log; shed load is counted by the summary line's 503, not logged twice.
    if (problem.type === PROBLEM_TYPES.internal) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ err: error }, 'not served');
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
