/**
 * Load shedding (@fastify/under-pressure): while the event loop's mean delay over the last sample is above the
 * configured limit, requests are answered at once with a 503 problem (see problemDetails.ts, FST_UNDER_PRESSURE) and
 * Retry-After instead of joining a queue that would time them out anyway. The probes opt out with a route-level
 * `pressureHandler` that lets the request through (routes/health.ts says why).
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../../config.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Per-route answer under pressure (read by @fastify/under-pressure); returning undefined lets the request in. */
    pressureHandler?: (request: FastifyRequest, reply: FastifyReply, type: string, value?: number) => void;
  }
}

const underPressurePlugin: FastifyPluginAsync<{ underPressure: AppConfig['underPressure'] }> = async (
  app,
  options,
) => {
  const { maxEventLoopDelayMs, sampleIntervalMs, retryAfterSeconds } = options.underPressure;
  if (maxEventLoopDelayMs === 0) return;
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    sampleInterval: sampleIntervalMs,
    retryAfter: retryAfterSeconds,
  });
};

export default fp(underPressurePlugin, { name: 'under-pressure' });
