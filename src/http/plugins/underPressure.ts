/**
 * Load shedding in three steps, so heavy work is refused before cheap work and the pod leaves the Service before it
 * sheds plans. @fastify/under-pressure samples the event loop's mean delay every sampleIntervalMs and a GC observer
 * records the heap each full collection leaves; under-pressure's single threshold cannot order the steps, so this
 * plugin compares the samples with the configured delay limit D and memory budget M:
 *
 *   heavy   delay > D/4 or heap > 25 % M: fits, targets and batches get 503 (plugins/admission.ts);
 *   unready delay > D/2 or heap > 35 % M: /readyz answers 503, so no new traffic is routed here;
 *   shed    delay > D   or heap > 45 % M: every request but the probes gets 503 with Retry-After.
 *
 * The heap (as left by the last full collection) is what clients fill (bodies, results, responses being written); the
 * worker threads' heaps are capped by WORKER_HEAP_MIB and the rest of RSS (code, isolates, about 100 MB) is fixed. RSS
 * is no signal: the allocator keeps freed pages (400-500 MB of RSS, idle, after bench/load.ts on a machine where V8
 * sizes its heap for 24 GB), so any RSS step would shed load long after the burst is over.
 *
 * /healthz always answers (a busy process is not a wedged one). With D = 0 the delay is not watched; memory still is.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
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

/** Fractions of the memory budget, in the event loop's live heap, at which each step starts. */
export const HEAP_STEPS = { heavy: 0.25, unready: 0.35, shed: 0.45 } as const;
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

  // The heap that counts is what survives a full collection: heapUsed between collections includes garbage, and an
  // idle process collects nothing, so a burst's garbage would shed load until the next request that never comes.
  let liveHeapBytes = 0;
  const collections = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        liveHeapBytes = process.memoryUsage().heapUsed;
  });
  collections.observe({ entryTypes: ['gc'] });
  app.addHook('onClose', async () => collections.disconnect());

  // Start-up lag (compiling schemas, starting threads) is not load: the delay counts once a clear sample was seen.
  let delayCounts = false;
  const levelNow = (): PressureLevel => {
    const { eventLoopDelay } = app.memoryUsage();
    const delay = delayCounts && maxEventLoopDelayMs > 0 ? eventLoopDelay / maxEventLoopDelayMs : 0;
    const past = (step: keyof typeof DELAY_STEPS) =>
      delay > DELAY_STEPS[step] || liveHeapBytes > memory * HEAP_STEPS[step];
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
