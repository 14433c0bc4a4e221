/**
 * Request bodies: JSON only. Fastify's own JSON parser (secure-json-parse, rejecting __proto__ and
 * constructor.prototype keys) does the work; this wrapper only tells a poisoned body apart from a malformed one, which
 * the default parser reports alike, so the client learns which it sent. The text/plain parser is removed so any other
 * media type is a 415.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** A syntactically valid JSON body that holds a prototype-poisoning key. */
export class ForbiddenPropertyError extends Error {
  override readonly name = 'ForbiddenPropertyError';
  readonly statusCode = 400;
  constructor() {
    super('The body contains a forbidden key: "__proto__", or "constructor" holding "prototype".');
  }
}

function isWellFormedJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const jsonBodyPlugin: FastifyPluginAsync = async (app) => {
  const parseSecurely = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    parseSecurely(request, body, (error, value) => {
      // Only the failure path pays for the second parse.
      if (error && (error as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        if (isWellFormedJson(body)) return done(new ForbiddenPropertyError(), undefined);
      }
      done(error, value);
    });
  });
};

export default fp(jsonBodyPlugin, { name: 'json-body' });
