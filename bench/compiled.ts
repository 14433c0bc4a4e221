/**
 * A module of the compiled build (dist/, which `npm run bench` builds first), typed by its source: what the server
 * runs. In-process baselines load the core from here, not through tsx, whose transform wraps the sources' closures in a
 * naming helper and would slow the very calls they measure.
 *
 *   const { plan } = await compiled<typeof import('../src/core/planner/plan.js')>('core/planner/plan.js');
 */
export async function compiled<T>(path: string): Promise<T> {
  return (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;
}

/** The planner as the server runs it: the paper's laws, the ensemble and plan(), from the compiled build. */
export async function compiledPlanner() {
  const { fitPaperLaws } =
    await compiled<typeof import('../src/core/laws/paperLaws.js')>('core/laws/paperLaws.js');
  const { createPlannerContext } =
    await compiled<typeof import('../src/core/planner/context.js')>('core/planner/context.js');
  const { plan } = await compiled<typeof import('../src/core/planner/plan.js')>('core/planner/plan.js');
  const { fitLawEnsemble } = await compiled<typeof import('../src/core/uncertainty/lawEnsemble.js')>(
    'core/uncertainty/lawEnsemble.js',
  );
  return { fitPaperLaws, createPlannerContext, plan, fitLawEnsemble };
}
