/**
 * Per-client rate limit (in-process memory store, so per replica). Probes and /metrics opt out with
 * `config: { rateLimit: false }`. The error carries statusCode 429 and a message written for the client, which the
 * problem-details handler turns into the 429 problem; the plugin itself sets retry-after and x-ratelimit-* headers.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../../config.js';

const rateLimitPlugin: FastifyPluginAsync<{ rateLimit: AppConfig['rateLimit'] }> = async (app, options) => {
  const { enabled, max, windowMs } = options.rateLimit;
  if (!enabled) return;
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: windowMs,
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new Error(
          `Rate limit of ${context.max} requests per ${windowMs / 1000} s exceeded; retry after ${Math.ceil(context.ttl / 1000)} s.`,
        ),
        { statusCode: 429 },
      ),
  });
};

export default fp(rateLimitPlugin, { name: 'rate-limit' });
