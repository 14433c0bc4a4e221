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
