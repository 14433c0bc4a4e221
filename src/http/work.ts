/**
 * What a request costs, in plan units: one unit is the CPU of one plan() call with its validation and serialization
 * (about 10 us on the development machine, bench/plan.ts). The rate limit charges these units, load shedding refuses
 * heavy work first, and a request above the async threshold runs as an operation. Figures from bench/fits.ts and
 * bench/http.ts: a warm-started bootstrap refit costs about 10 us per run, the initial multi-start fit about 180 us
 * per run, a target search about 350 plans (289 grid budgets and up to 60 bisection steps).
 */
import { DEFAULT_BOOTSTRAP_SAMPLES } from '../core/fits/fitRuns.js';
import { MAX_ENSEMBLE_MODEL_SIZES, MIN_ENSEMBLE_MODEL_SIZES } from '../core/planner/customLaw.js';

export const PLAN_WORK = 1;
export const TARGET_WORK = 350;
/** The initial multi-start fit, per run, in refits (180 us / 10 us, rounded up). */
export const FIT_WORK_PER_RUN = 20;

export function batchWork(items: number): number {
  return Math.max(1, items) * PLAN_WORK;
}

export interface FitShape {
  readonly runs: readonly {
    readonly model?: string | undefined;
    readonly flopsPerImage?: number | undefined;
  }[];
  readonly bootstrap?: { readonly samples?: number | undefined } | undefined;
}

/** The initial fit, the bootstrap's refits and the jackknife's, one warm-started refit per model size. */
export function fitWork(body: FitShape): number {
  const samples = body.bootstrap === undefined ? 0 : (body.bootstrap.samples ?? DEFAULT_BOOTSTRAP_SAMPLES);
  const sizes = new Set(body.runs.map((run) => run.model ?? run.flopsPerImage)).size;
  const jackknife = sizes >= MIN_ENSEMBLE_MODEL_SIZES && sizes <= MAX_ENSEMBLE_MODEL_SIZES ? sizes : 0;
  return Math.max(1, body.runs.length) * (FIT_WORK_PER_RUN + samples + jackknife);
}

/** Work refused rather than queued (a full pool, memory pressure): 503, and the client retries after retryAfterSeconds. */
export class WorkRefusedError extends Error {
  override readonly name = 'WorkRefusedError';
  readonly statusCode = 503;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
