/**
 * The planner's fitted laws, shared by every route as `app.planner`. Fitting takes tens of milliseconds
 * (bench/fit-laws.ts), so it runs once, in onReady, and /readyz says "not ready: laws" until it is done. Tests may pass
 * a context they built once, so a hundred apps do not fit a hundred times.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { fitPaperLaws } from '../../core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../core/planner/context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The fitted laws and per-variant table; available once the app is ready. */
    readonly planner: PlannerContext;
  }
}

const plannerPlugin: FastifyPluginAsync<{ planner?: PlannerContext }> = async (app, options) => {
  let context = options.planner;
  const lawsFitted = app.readiness.waitFor('laws');
  app.decorate('planner', {
    getter(): PlannerContext {
      if (context === undefined) throw new Error('the planner is used before its laws are fitted');
      return context;
    },
  });
  app.addHook('onReady', async () => {
    context ??= createPlannerContext(fitPaperLaws());
    lawsFitted();
  });
};

export default fp(plannerPlugin, { name: 'planner', dependencies: ['readiness'] });
