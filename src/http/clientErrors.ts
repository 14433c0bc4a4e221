/**
 * Answers for requests that never reach a route: Node's own client errors (a malformed request line, headers over
 * the size limit, a request not received in time) and Fastify's framework errors (a URL that does not decode). Node
 * would answer these with a bare status line and Fastify with plain JSON, without the security headers or a request
 * id; here they are RFC 9457 problems like every other error, whenever the socket can still take a response.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, type Problem } from '../api/problem.js';
import { REQUEST_ID_HEADER } from './requestId.js';

/** Node's codes for the client errors it reports (see http.Server 'clientError'), and the status each deserves. */
function statusOf(error: { code?: string }): number {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

const DETAILS: Record<number, string> = {
  400: 'The request is not valid HTTP/1.1.',
  408: 'The request was not received in time.',
  431: 'The request headers are too large.',
};

function problemFor(status: number, detail: string, requestId: string): Problem {
  return {
    type: PROBLEM_TYPES.badRequest,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance: requestId,
  };
}

/** Fastify's clientErrorHandler: writes the problem on the raw socket, then closes it. */
export function clientErrorHandler(securityHeaders: Readonly<Record<string, string>>) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // Nothing can be written to a reset socket, or after a response has begun on it.
    const busy = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (error.code === 'ECONNRESET' || !socket.writable || busy) {
      socket.destroy();
      return;
    }
    const status = statusOf(error);
    const requestId = randomUUID();
    const body = JSON.stringify(problemFor(status, DETAILS[status] ?? 'Bad request.', requestId));
    const headers = {
      ...securityHeaders,
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
      [REQUEST_ID_HEADER]: requestId,
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
  };
}

/** What each of the router's refusals tells the client. */
const FRAMEWORK_ERROR_DETAILS: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: 'The URL is not valid percent-encoded UTF-8.',
  // find-my-way's maxParamLength (100): longer than any name (64), version or id (36) a path of this API takes.
  FST_ERR_MAX_PARAM_LENGTH:
    'A path segment is longer than 100 characters, more than any profile name, version or id in a path here.',
};

/** Fastify's frameworkErrors: runs before any hook, so it adds the headers those hooks would have added. */
export function frameworkErrorHandler(
  securityHeaders: Readonly<Record<string, string>>,
): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
    const detail = FRAMEWORK_ERROR_DETAILS[error.code ?? ''] ?? 'Bad request.';
    reply
      .headers(securityHeaders)
      .header(REQUEST_ID_HEADER, request.id)
      .code(400)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problemFor(400, detail, request.id));
  };
}
