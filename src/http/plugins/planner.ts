/**
 * The planner's fitted laws, shared by every route as `app.planner`. The laws take tens of milliseconds
 * (bench/fit-laws.ts) and are fitted in onReady; the ensemble behind every interval and the tables its predictions are
 * read from (a few hundred milliseconds, bench/plan.ts) are built just after, once the server listens, so /healthz
 * answers at once and /readyz says "waiting for: ensemble" until the planner can give intervals. Tests may pass a
 * context they built once, so a hundred apps do not fit a hundred times.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { fitPaperLaws } from '../../core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../core/planner/context.js';
import { fitLawEnsemble } from '../../core/uncertainty/lawEnsemble.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The fitted laws and per-variant table; available once the app is ready. */
    readonly planner: PlannerContext;
  }
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
    // After this tick: listening starts first; readiness waits for the ensemble.
    setImmediate(() => {
      if (closing) return;
      const ensemble = fitLawEnsemble(laws);
      context = createPlannerContext(laws, ensemble);
      ensembleFitted();
      app.log.info({ members: ensemble.memberCount, seed: ensemble.seed }, 'law ensemble ready');
    });
  });
  app.addHook('onClose', async () => {
    closing = true;
  });
};

export default fp(plannerPlugin, { name: 'planner', dependencies: ['readiness'] });
