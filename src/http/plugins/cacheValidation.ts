/**
 * Strong ETags and Cache-Control on responses that depend only on the fitted laws and the URL (models, laws, dataset,
 * frontier, charts, the OpenAPI document), so a polling scheduler revalidates with If-None-Match and gets a 304
 * instead of the body (@fastify/etag, SHA-1 of the body). Register it before compression in the same scope: the tag
 * names the JSON; a compressed representation gets the tag with its coding appended ("...-br"), as RFC 9110 asks of
 * strong validators, which differ per representation, and an If-None-Match naming either form matches.
 */
import etag from '@fastify/etag';
import type { FastifyPluginAsync, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';

/** The laws change only with a deploy; a minute keeps caches fresh across one, and revalidation is a 304. */
export const CACHE_CONTROL = 'public, max-age=60';
/**
 * A request with a key may read a team's data (GET /v1/evaluate?profile=): no shared cache may keep the answer, which
 * another team could ask for under the same URL, and the client revalidates each time (RFC 9111, 5.2.2.7 and 3.5).
 */
export const CACHE_CONTROL_WITH_KEY = 'private, no-cache';

const CODING_SUFFIX = /-(?:br|gzip)"$/;

const cacheValidationPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', (request, _reply, done) => {
    const tag = request.headers['if-none-match'];
    if (typeof tag === 'string' && CODING_SUFFIX.test(tag))
      request.headers['if-none-match'] = tag.replace(CODING_SUFFIX, '"');
    done();
  });
  await app.register(etag, { algorithm: 'sha1' });
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
