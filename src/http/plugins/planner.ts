/**
 * The planner's fitted laws, shared by every route as `app.planner`. The laws take tens of milliseconds
 * (bench/fit-laws.ts) and are fitted in onReady; the ensemble of them behind every interval (200 refits, about half a
 * second) is fitted after, in slices between requests, so /healthz answers at once and /readyz says "waiting for:
 * ensemble" until the planner can give intervals. Tests may pass a context they built once, so a hundred apps do not
 * fit a hundred times.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { fitPaperLaws, type PaperLaws } from '../../core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../core/planner/context.js';
import {
  assembleEnsemble,
  ENSEMBLE_MEMBERS,
  ENSEMBLE_SEED,
  type EnsembleMember,
  ensembleInputs,
  fitEnsembleMember,
  type LawEnsemble,
} from '../../core/uncertainty/lawEnsemble.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The fitted laws and per-variant table; available once the app is ready. */
    readonly planner: PlannerContext;
  }
}

/** Longest stretch the ensemble holds the event loop before yielding to waiting requests. */
const SLICE_MS = 10;

/** Fits the ensemble member by member, yielding to the event loop every SLICE_MS; undefined if stopped first. */
async function fitEnsembleInSlices(
  laws: PaperLaws,
  stopped: () => boolean,
): Promise<LawEnsemble | undefined> {
  const inputs = ensembleInputs(laws);
  const members: EnsembleMember[] = [];
  while (members.length < ENSEMBLE_MEMBERS) {
    const sliceEnd = performance.now() + SLICE_MS;
    while (members.length < ENSEMBLE_MEMBERS && performance.now() < sliceEnd)
      members.push(fitEnsembleMember(inputs, members.length, ENSEMBLE_SEED));
    await new Promise((resolve) => setImmediate(resolve));
    if (stopped()) return undefined;
  }
  return assembleEnsemble(inputs, members, ENSEMBLE_SEED);
}

const plannerPlugin: FastifyPluginAsync<{ planner?: PlannerContext }> = async (app, options) => {
  let context = options.planner;
  const lawsFitted = app.readiness.waitFor('laws');
  const ensembleFitted = app.readiness.waitFor('ensemble');
  let closing = false;
  app.decorate('planner', {
    getter(): PlannerContext {
      if (context === undefined) throw new Error('the planner is used before its laws are fitted');
      return context;
    },
  });
  app.addHook('onReady', async () => {
    if (context !== undefined) {
      lawsFitted();
      ensembleFitted();
      return;
    }
    const laws = fitPaperLaws();
    context = createPlannerContext(laws);
    lawsFitted();
    // Not awaited: listening starts now; readiness waits for the ensemble.
    void fitEnsembleInSlices(laws, () => closing).then((ensemble) => {
      if (ensemble === undefined) return;
      context = createPlannerContext(laws, ensemble);
      ensembleFitted();
      app.log.info({ members: ensemble.members.length, seed: ensemble.seed }, 'law ensemble ready');
    });
  });
  app.addHook('onClose', async () => {
    closing = true;
  });
};

export default fp(plannerPlugin, { name: 'planner', dependencies: ['readiness'] });
