/**
 * Load shedding in three steps, so heavy work is refused before cheap work and the pod leaves the Service before it
 * sheds plans. @fastify/under-pressure samples the event loop's mean delay, the event loop's heap and the process'
 * RSS (worker threads included) every sampleIntervalMs; its own single threshold cannot order the steps, so this
 * plugin compares the samples with the configured delay limit D and memory budget M:
 *
 *   heavy   delay > D/4, heap > 25 % M or RSS > 75 % M: fits, targets and batches get 503 (plugins/admission.ts);
 *   unready delay > D/2, heap > 35 % M or RSS > 80 % M: /readyz answers 503, so no new traffic is routed here;
 *   shed    delay > D,   heap > 45 % M or RSS > 90 % M: every request but the probes gets 503 with Retry-After.
 *
 * The heap is what clients fill (bodies, results, responses being written); the worker threads' heaps are capped by
 * WORKER_HEAP_MIB and the rest of RSS (code, isolates, about 100 MB) is fixed. RSS alone would be a poor signal: the
 * allocator keeps freed pages, so RSS stays high after a burst and would refuse heavy work long after it is over.
 * /healthz always answers (a busy process is not a wedged one). With D = 0 the delay is not watched; memory still is.
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../../config.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the probes: they are never shed. */
    pressureHandler?: (request: FastifyRequest, reply: FastifyReply, type: string, value?: number) => void;
  }
  interface FastifyInstance {
    /** The current shedding step, from the last sample. */
    pressureLevel(): PressureLevel;
  }
}

export type PressureLevel = 'ok' | 'heavy' | 'unready' | 'shed';

/** Fractions of the memory budget at which each step starts: of the event loop's heap, and of the process' RSS. */
export const HEAP_STEPS = { heavy: 0.25, unready: 0.35, shed: 0.45 } as const;
export const RSS_STEPS = { heavy: 0.75, unready: 0.8, shed: 0.9 } as const;
/** Fractions of the delay limit at which each step starts. */
export const DELAY_STEPS = { heavy: 0.25, unready: 0.5, shed: 1 } as const;

export interface LoadSheddingOptions {
  underPressure: AppConfig['underPressure'];
  memoryLimitBytes: number;
}

/** The error problemDetails.ts maps to the 503 "Service overloaded" problem. */
class ShedError extends Error {
  readonly code = 'FST_UNDER_PRESSURE';
  readonly statusCode = 503;
}

const underPressurePlugin: FastifyPluginAsync<LoadSheddingOptions> = async (app, options) => {
  const { maxEventLoopDelayMs, sampleIntervalMs, retryAfterSeconds } = options.underPressure;
  const memory = options.memoryLimitBytes;
  // Given no limits, @fastify/under-pressure only samples (app.memoryUsage()); the steps below decide.
  await app.register(underPressure, { sampleInterval: sampleIntervalMs });

  // Start-up lag (compiling schemas, starting threads) is not load: the delay counts once a clear sample was seen.
  let delayCounts = false;
  const levelNow = (): PressureLevel => {
    const { eventLoopDelay, heapUsed, rssBytes } = app.memoryUsage();
    const delay = delayCounts && maxEventLoopDelayMs > 0 ? eventLoopDelay / maxEventLoopDelayMs : 0;
    const past = (step: keyof typeof DELAY_STEPS) =>
      delay > DELAY_STEPS[step] ||
      heapUsed > memory * HEAP_STEPS[step] ||
      rssBytes > memory * RSS_STEPS[step];
    if (past('shed')) return 'shed';
    if (past('unready')) return 'unready';
    return past('heavy') ? 'heavy' : 'ok';
  };
  app.decorate('pressureLevel', levelNow);

  // The sample current at onReady may predate the compile; the one after next covers the time since. Not ready (and
  // the delay not counted) until a sample is clear.
  const settled = app.readiness.waitFor('load-settled');
  app.addHook('onReady', async () => {
    const waitForClearSample = (): void => {
      const { eventLoopDelay } = app.memoryUsage();
      if (maxEventLoopDelayMs === 0 || eventLoopDelay <= maxEventLoopDelayMs * DELAY_STEPS.unready) {
        delayCounts = true;
        settled();
      } else setTimeout(waitForClearSample, sampleIntervalMs).unref();
    };
    setTimeout(waitForClearSample, 2 * sampleIntervalMs + 10).unref();
  });

  // Callback style: this runs on every request.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.pressureHandler !== undefined || levelNow() !== 'shed') return done();
    reply.header('retry-after', String(retryAfterSeconds));
    done(new ShedError('Service overloaded'));
  });
};

export default fp(underPressurePlugin, { name: 'under-pressure', dependencies: ['readiness'] });
