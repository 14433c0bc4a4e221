/**
 * Idempotency-Key on the POSTs that create (draft-ietf-httpapi-idempotency-key-header): the first request with a key
 * is answered and its answer stored with a fingerprint of the request; a retry with the same key and the same request
 * gets that answer again, without creating anything twice; the same key with another request is a 422, and one that
 * arrives while the first is still being answered a 409. Keys are per team. A first request that fails on the
 * server's side releases its key, so the retry runs again.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../storage/store.js';
import { ACCESS_PROBLEM_TYPES, HttpProblem } from './httpProblem.js';
import { JSON_CONTENT_TYPE } from './plugins/operations.js';

export interface StoredAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The JSON body, as sent. */
  readonly body: string;
}

const KEY_SYNTAX = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_HEADER = 'idempotency-key';

function fingerprintOf(request: FastifyRequest): string {
  const path = request.url.split('?', 1)[0];
  return createHash('sha256')
    .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

function send(reply: FastifyReply, answer: StoredAnswer): FastifyReply {
  return reply.code(answer.status).headers(answer.headers).type(JSON_CONTENT_TYPE).send(answer.body);
}

/**
 * Answers with `produce`'s answer, or, for a retry of an answered request with the same Idempotency-Key, with the
 * stored one.
 */
export async function answerOnce(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  produce: () => Promise<StoredAnswer>,
): Promise<FastifyReply> {
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (header === undefined) return send(reply, await produce());
  // The draft's header is a structured-field string; a bare token is accepted too.
  const key = typeof header === 'string' ? header.replace(/^"(.*)"$/, '$1') : '';
  if (!KEY_SYNTAX.test(key))
    throw new HttpProblem(
      400,
      'urn:scaleplan:problem:validation-error',
      'Invalid request',
      'Idempotency-Key must be 1 to 255 visible ASCII characters, sent once.',
    );
  const store = await app.store();
  const claim = await store.claimIdempotencyKey(principal.teamId, key, fingerprintOf(request));
  if (claim.state === 'replay') return send(reply.header('idempotent-replayed', 'true'), claim);
  if (claim.state === 'mismatch')
    throw new HttpProblem(
      422,
      ACCESS_PROBLEM_TYPES.idempotencyKeyReused,
      'Idempotency key reused',
      'This Idempotency-Key was first used with another request; use a new key for a new request.',
    );
  if (claim.state === 'in_progress')
    throw new HttpProblem(
      409,
      ACCESS_PROBLEM_TYPES.idempotencyKeyInUse,
      'Conflict',
      'A request with this Idempotency-Key is still being answered; retry once it is.',
      { 'retry-after': '1' },
    );
  let answer: StoredAnswer;
  try {
    answer = await produce();
  } catch (error) {
    await store.releaseIdempotencyKey(principal.teamId, key);
    throw error;
  }
  await store.completeIdempotencyKey(principal.teamId, key, answer);
  return send(reply, answer);
}
