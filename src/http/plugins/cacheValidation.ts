/**
 * Strong ETags and Cache-Control on responses that depend only on the fitted laws and the URL (models, laws, dataset,
 * frontier, charts, the OpenAPI document), so a polling scheduler revalidates with If-None-Match and gets a 304
 * instead of the body (@fastify/etag, SHA-1 of the body). Register it before compression in the same scope: the tag
 * names the JSON; a compressed representation gets the tag with its coding appended ("...-br"), as RFC 9110 asks of
 * strong validators, which differ per representation, and an If-None-Match naming either form matches (a list of
 * them, or "*", as RFC 9110 section 13.1.2 reads it).
 */
import { negotiate } from '@fastify/accept-negotiator';
import etag from '@fastify/etag';
import type { FastifyPluginAsync, FastifyRequest, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { CODINGS, COMPRESSION_THRESHOLD_BYTES } from './compression.js';

/** The laws change only with a deploy; a minute keeps caches fresh across one, and revalidation is a 304. */
export const CACHE_CONTROL = 'public, max-age=60';
/**
 * A request with a key may read a team's data (GET /v1/evaluate?profile=): no shared cache may keep the answer, which
 * another team could ask for under the same URL, and the client revalidates each time (RFC 9111, 5.2.2.7 and 3.5).
 */
export const CACHE_CONTROL_WITH_KEY = 'private, no-cache';

const CODING_SUFFIX = /-(?:br|gzip)"$/;
/** An entity tag in an If-None-Match list: optionally weak, then a quoted opaque tag (RFC 9110 section 8.8.3). */
const ENTITY_TAG = /(?:W\/)?"[^"]*"/g;

/** A tag as If-None-Match compares it: weakly (no W/), and naming the JSON whatever its coding. */
function comparable(tag: string): string {
  return tag.replace(/^W\//, '').replace(CODING_SUFFIX, '"');
}

/** RFC 9110 section 13.1.2: "*" matches any current representation, else any tag in the list, weakly. */
function noneMatchHolds(condition: string, tag: string): boolean {
  if (condition.trim() === '*') return true;
  const current = comparable(tag);
  return (condition.match(ENTITY_TAG) ?? []).some((listed) => comparable(listed) === current);
}

/**
 * The coding @fastify/compress would give this request's 200: br or gzip by Accept-Encoding (its own negotiator, "*"
 * and x-gzip read as gzip), for a body of COMPRESSION_THRESHOLD_BYTES or more. Every answer here is JSON or SVG, which
 * it compresses.
 */
function codingOf(request: FastifyRequest, payload: string | Buffer): string | null {
  const accepted = request.headers['accept-encoding'];
  if (accepted === undefined || Buffer.byteLength(payload) < COMPRESSION_THRESHOLD_BYTES) return null;
  return negotiate(accepted.toLowerCase().replace(/\*|x-gzip/g, 'gzip'), [...CODINGS]);
}

const cacheValidationPlugin: FastifyPluginAsync = async (app) => {
  // @fastify/etag only tags; the 304 is decided below, for lists and "*" as well as one tag.
  await app.register(etag, { algorithm: 'sha1', replyWith304: false });
  app.addHook('onSend', (request, reply, payload, done) => {
    const condition = request.headers['if-none-match'];
    const tag = reply.getHeader('etag');
    if (
      reply.statusCode !== 200 ||
      typeof condition !== 'string' ||
      typeof tag !== 'string' ||
      !(typeof payload === 'string' || Buffer.isBuffer(payload)) ||
      !noneMatchHolds(condition, tag)
    )
      return done(null, payload);
    // A 304 carries the ETag and Vary the 200 would have (RFC 9110 section 15.4.5): a compressed one's coding.
    const coding = codingOf(request, payload);
    if (coding !== null) {
      reply.header('etag', `${tag.slice(0, -1)}-${coding}"`);
      reply.header('vary', 'accept-encoding');
    }
    reply.code(304);
    done(null, '');
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode === 200 || reply.statusCode === 304)
      reply.header(
        'cache-control',
        request.headers.authorization === undefined ? CACHE_CONTROL : CACHE_CONTROL_WITH_KEY,
      );
    done(null, payload);
  });
};

/**
 * After compression: a compressed body's tag carries its coding. @fastify/compress adds its onSend to each route
 * (through onRoute), after every scope-level hook; this is added the same way, after it.
 */
export const taggedCoding: FastifyPluginAsync = fp(async (app) => {
  const tagCoding: onSendHookHandler = (_request, reply, payload, done) => {
    const coding = reply.getHeader('content-encoding');
    const tag = reply.getHeader('etag');
    if (typeof coding === 'string' && typeof tag === 'string' && tag.endsWith('"'))
      reply.header('etag', `${tag.slice(0, -1)}-${coding}"`);
    done(null, payload);
  };
  app.addHook('onRoute', (route) => {
    const hooks = route.onSend;
    route.onSend = hooks === undefined ? [tagCoding] : [hooks, tagCoding].flat();
  });
});

export default fp(cacheValidationPlugin, { name: 'cache-validation' });
