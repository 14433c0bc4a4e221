/**
 * Access control: API keys sent as `Authorization: Bearer <key>` (RFC 6750), each of one team with a scope (read,
 * write, admin). Routes that touch a team's data name the scope they need in `config.scope`; the plan, target and
 * evaluate routes ask for a key only when the request names a profile or asks to record (app.authenticate), so
 * planning on the paper's laws stays open unless REQUIRE_API_KEY closes it. A key in the query string is refused
 * before anything else (URLs end up in logs, proxies and browser history; RFC 6750 section 5.3 advises against it),
 * and the summary log line's URL has key-like strings masked.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { KEY_LIKE, type Scope, scopeAllows } from '../../storage/apiKeys.js';
import type { Principal } from '../../storage/store.js';
import { ACCESS_PROBLEM_TYPES, HttpProblem } from '../httpProblem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a key needs for this route; routes without one are open (unless REQUIRE_API_KEY). */
    scope?: Scope;
  }
  interface FastifyInstance {
    /** The request's team and scope; a 401 or 403 problem when the key is missing, unknown, revoked or too weak. */
    authenticate(request: FastifyRequest, scope: Scope): Promise<Principal>;
  }
}

const REALM = 'scaleplan';
/** Query parameter names under which clients commonly send tokens (RFC 6750's access_token among them). */
const KEY_PARAMETER = /[?&](access_token|api_key|apikey|api-key|key|token)=/i;

function unauthorized(detail: string, invalidToken: boolean): HttpProblem {
  return new HttpProblem(401, ACCESS_PROBLEM_TYPES.unauthorized, 'Unauthorized', detail, {
    'www-authenticate': invalidToken
      ? `Bearer realm="${REALM}", error="invalid_token"`
      : `Bearer realm="${REALM}"`,
  });
}

/** The URL with anything that looks like an API key masked, for logs. */
export function redactKeys(url: string): string {
  return url.replace(KEY_LIKE, 'sp_[redacted]');
}

const authPlugin: FastifyPluginAsync<{ requireApiKey: boolean }> = async (app, options) => {
  const cache = new WeakMap<FastifyRequest, Promise<Principal>>();

  const principalOf = async (request: FastifyRequest): Promise<Principal> => {
    const header = request.headers.authorization;
    if (header === undefined || header === '')
      throw unauthorized('This request needs an API key: send it as Authorization: Bearer <key>.', false);
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (match === null) throw unauthorized('The Authorization header must be "Bearer <key>".', true);
    const store = await app.store();
    const principal = await store.authenticate(match[1] as string);
    if (principal === undefined) throw unauthorized('The API key is malformed, unknown or revoked.', true);
    return principal;
  };

  app.decorate('authenticate', async (request: FastifyRequest, scope: Scope) => {
    let pending = cache.get(request);
    if (pending === undefined) {
      pending = principalOf(request);
      cache.set(request, pending);
    }
    const principal = await pending;
    if (!scopeAllows(principal.scope, scope))
      throw new HttpProblem(
        403,
        ACCESS_PROBLEM_TYPES.forbidden,
        'Insufficient scope',
        `This request needs a key with scope ${scope}; this key has scope ${principal.scope}.`,
        { 'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"` },
      );
    return principal;
  });

  app.addHook('onRequest', async (request) => {
    const queryAt = request.url.indexOf('?');
    if (queryAt >= 0) {
      const query = request.url.slice(queryAt);
      KEY_LIKE.lastIndex = 0;
      if (KEY_PARAMETER.test(query) || KEY_LIKE.test(query))
        throw new HttpProblem(
          400,
          ACCESS_PROBLEM_TYPES.keyInQuery,
          'API key in the URL',
          'API keys are accepted only in the Authorization header (Bearer), never in the query string; revoke a key that was sent in a URL.',
        );
    }
    const scope = request.routeOptions.config.scope;
    if (scope !== undefined) await app.authenticate(request, scope);
    else if (options.requireApiKey && request.url.startsWith('/v1/')) await app.authenticate(request, 'read');
  });
};

export default fp(authPlugin, { name: 'auth', dependencies: ['storage'] });
