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
import { accessProblemResponses, KEY_REQUIRED } from '../../api/access.js';
import { KEY_LIKE, type Scope, scopeAllows } from '../../storage/apiKeys.js';
import type { PrincipalWithProfile } from '../../storage/store.js';
import { ACCESS_PROBLEM_TYPES, HttpProblem } from '../httpProblem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a key needs for this route; routes without one are open (unless REQUIRE_API_KEY). */
    scope?: Scope;
  }
  interface FastifyInstance {
    /**
     * The request's team and scope; a 401 or 403 problem when the key is missing, unknown, revoked or too weak. With
     * profileName (on a request not yet authenticated), the team's profile of that name is looked up in the same query.
     */
    authenticate(request: FastifyRequest, scope: Scope, profileName?: string): Promise<PrincipalWithProfile>;
  }
}

const REALM = 'scaleplan';
/**
 * A verified key is trusted for this long without asking the database again, so a plan against a profile costs one
 * indexed lookup (the profile's latest version) rather than two; the price is that a revoked key keeps working for up
 * to this long on an instance that verified it just before. Unknown and revoked keys are never cached.
 */
export const VERIFIED_KEY_TTL_MS = 1_000;
const VERIFIED_KEYS_MAX = 10_000;
/** Query parameter names under which clients commonly send tokens (RFC 6750's access_token among them). */
const KEY_PARAMETER = /[?&](access_token|api_key|apikey|api-key)=/i;

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
  const cache = new WeakMap<FastifyRequest, Promise<PrincipalWithProfile>>();
  const verified = new Map<string, { principal: PrincipalWithProfile; expiresMs: number }>();

  const principalOf = async (
    request: FastifyRequest,
    profileName?: string,
  ): Promise<PrincipalWithProfile> => {
    const header = request.headers.authorization;
    if (header === undefined || header === '')
      throw unauthorized('This request needs an API key: send it as Authorization: Bearer <key>.', false);
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (match === null) throw unauthorized('The Authorization header must be "Bearer <key>".', true);
    const token = match[1] as string;
    const known = verified.get(token);
    if (known !== undefined && known.expiresMs > Date.now()) return known.principal;
    const store = await app.store();
    const principal = await store.authenticate(token, profileName);
    if (principal === undefined) {
      verified.delete(token);
      throw unauthorized('The API key is malformed, unknown or revoked.', true);
    }
    if (verified.size >= VERIFIED_KEYS_MAX) verified.clear();
    const { profileLookup: _lookup, ...plain } = principal;
    verified.set(token, { principal: plain, expiresMs: Date.now() + VERIFIED_KEY_TTL_MS });
    return principal;
  };

  app.decorate('authenticate', async (request: FastifyRequest, scope: Scope, profileName?: string) => {
    let pending = cache.get(request);
    if (pending === undefined) {
      pending = principalOf(request, profileName);
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

  // With REQUIRE_API_KEY every /v1 route wants a key, and the document this deployment serves says so: routes open by
  // default declare the key required and its 401 (routes that name a scope declare theirs already).
  if (options.requireApiKey)
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/v1/') || route.schema === undefined || route.config?.scope !== undefined)
        return;
      route.schema = {
        ...route.schema,
        security: KEY_REQUIRED,
        response: { ...(route.schema.response as object), ...accessProblemResponses(401) },
      };
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
