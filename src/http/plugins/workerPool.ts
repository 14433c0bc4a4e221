/**
 * The worker pool (piscina: cancellation by AbortSignal, a bounded queue, run-time statistics) for CPU-heavy work:
 * fits, targets and large batches run on worker threads, so the event loop keeps answering probes and plans while they
 * compute. `app.heavyWork.run(task)` resolves to the 200 body's bytes (JSON), or throws what the route would have
 * thrown: a core error (400/422), WorkRefusedError (503 with Retry-After) when the queue is full, or an AbortError.
 *
 * Under vitest and tsx the worker is the TypeScript source, which a worker thread can only load through tsx's loader;
 * the build runs the compiled .js as is.
 */
import type { MessagePort } from 'node:worker_threads';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Piscina } from 'piscina';
import type { AppConfig } from '../../config.js';
import {
  createTaskRunner,
  type HeavyTask,
  rethrow,
  type TaskOutcome,
  type TaskRunner,
} from '../../workers/tasks.js';
import { WorkRefusedError } from '../work.js';

export interface HeavyWork {
  /** Runs the task on a worker thread, or on the event loop when `inline` (small batches: no round trip). */
  run(
    task: HeavyTask,
    options?: { signal?: AbortSignal; inline?: boolean; transferList?: MessagePort[] },
  ): Promise<Buffer>;
  /** Whether one more task would be accepted (running or queued) rather than refused. */
  hasRoom(): boolean;
  /** Tasks waiting for a thread. */
  readonly queued: number;
  /** Tasks the pool can hold, running and waiting. */
  readonly capacity: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly heavyWork: HeavyWork;
  }
}

const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? '../../workers/heavyWork.ts' : '../../workers/heavyWork.js',
  import.meta.url,
);

/**
 * A thread's young generation: V8 sizes it from the heap limit, and a 1,000-item batch's garbage grew it to about
 * 120 MB per thread (--trace-gc), which took the process past 480 MiB under 100 never-reading clients beside 64
 * batches (tests/http/memory.test.ts). At 48 MiB that peak is 410-425 MiB and a batch costs the same CPU
 * (scavenges are proportional to live objects, not to the space); at 16 MiB a batch cost a quarter more.
 */
const WORKER_YOUNG_GENERATION_MIB = 48;

/** Piscina's own refusals, which carry no code. */
const POOL_FULL_MESSAGES = new Set([
  'Task queue is at limit',
  'No task queue available and all Workers are busy',
]);

export interface WorkerPoolOptions {
  workers: AppConfig['workers'];
  checkResponses: boolean;
}

const workerPoolPlugin: FastifyPluginAsync<WorkerPoolOptions> = async (app, options) => {
  const { threads, queueLimit, heapMib } = options.workers;
  // Started on first use, once the laws are fitted: each thread gets the event loop's PlannerContext. The context is
  // replaced once, when the laws' ensemble is ready (plugins/planner.ts); a pool started before then is retired
  // (its running tasks finish) and a new one started with the context that gives intervals.
  let started: Piscina<HeavyTask, TaskOutcome> | undefined;
  let startedWith: unknown;
  const pool = (): Piscina<HeavyTask, TaskOutcome> => {
    if (started !== undefined && startedWith === app.planner) return started;
    if (started !== undefined) {
      const retired = started;
      void retired
        .close()
        .catch((error: unknown) => app.log.error({ err: error }, 'retiring the worker pool'));
    }
    startedWith = app.planner;
    started = new Piscina<HeavyTask, TaskOutcome>({
      filename: WORKER_URL.href,
      minThreads: threads,
      maxThreads: threads,
      maxQueue: queueLimit,
      // An idle thread is kept rather than started again (with its copy of the laws) on the next task.
      idleTimeout: 60 * 60 * 1000,
      execArgv: WORKER_URL.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
      workerData: { planner: app.planner, checkResponses: options.checkResponses },
      resourceLimits: {
        maxOldGenerationSizeMb: heapMib,
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MIB,
      },
      // Heavy work yields the CPU to the event loop when both want it (through @napi-rs/nice, piscina's optional
      // dependency; without it the increment is silently ignored).
      niceIncrement: 10,
    });
    started.on('error', (error: unknown) => app.log.error({ err: error }, 'worker pool error'));
    return started;
  };

  let inline: TaskRunner | undefined;
  let inlineWith: unknown;
  let inFlight = 0;
  const outcome = (result: TaskOutcome): Buffer => {
    if (result.ok) return Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength);
    return rethrow(result.error);
  };
  const retryAfterSeconds = (): number => {
    const meanRunMs = pool().histogram.runTime.mean;
    const waitMs = Number.isFinite(meanRunMs) ? (meanRunMs * (pool().queueSize + threads)) / threads : 1000;
    return Math.min(60, Math.max(1, Math.ceil(waitMs / 1000)));
  };

  const heavyWork: HeavyWork = {
    async run(task, runOptions = {}) {
      if (runOptions.inline) {
        if (inline === undefined || inlineWith !== app.planner) {
          inline = createTaskRunner(app.planner, { checkResponses: options.checkResponses });
          inlineWith = app.planner;
        }
        return outcome(inline.run(task));
      }
      const refused = () =>
        new WorkRefusedError(
          `All ${threads} worker threads are busy and ${queueLimit} tasks are waiting.`,
          retryAfterSeconds(),
        );
      // Counted here rather than left to piscina, whose queue also holds tasks waiting for a thread to start.
      if (inFlight >= threads + queueLimit) throw refused();
      inFlight += 1;
      try {
        return outcome(
          await pool().run(task, {
            signal: runOptions.signal ?? null,
            ...(runOptions.transferList ? { transferList: runOptions.transferList } : {}),
          }),
        );
      } catch (error) {
        if (error instanceof Error && POOL_FULL_MESSAGES.has(error.message)) throw refused();
        throw error;
      } finally {
        inFlight -= 1;
      }
    },
    hasRoom() {
      return inFlight < threads + queueLimit;
    },
    get queued() {
      return started?.queueSize ?? 0;
    },
    get capacity() {
      return threads + queueLimit;
    },
  };
  app.decorate('heavyWork', heavyWork);
  // onClose runs once the server has closed, so no request is waiting on a thread, and operations were cancelled at
  // preClose: the threads are stopped at once rather than drained.
  app.addHook('onClose', async () => started?.destroy());
};

export default fp(workerPoolPlugin, { name: 'worker-pool', dependencies: ['planner'] });
