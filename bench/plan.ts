/**
 * Average time of one plan() call, with and without the ensemble's intervals (bars: 60 and 20 microseconds), against
 * two baselines measured in the
 * same run: the budget conversion alone (the cheapest core call a plan makes) and JSON.stringify of the plan (what
 * the HTTP layer spends just serialising it).
 *
 *   npx tsx bench/plan.ts [calls]   (after npm run build: it measures the compiled core)
 */

import fastJson from 'fast-json-stringify';
import { PlanSchema } from '../src/api/plans/schemas.js';
import { responseJsonSchema } from '../src/api/serializer.js';
import type { PlanRequest } from '../src/core/planner/request.js';
import { compiled, compiledPlanner } from './compiled.js';

// The compiled build (npm run build), as the server runs it.
const { fitPaperLaws, createPlannerContext, plan, fitLawEnsemble } = await compiledPlanner();
const { toTpuV4CoreHours } =
  await compiled<typeof import('../src/core/units/budget.js')>('core/units/budget.js');
const { joinedUtf8 } = await compiled<typeof import('../src/workers/tasks.js')>('workers/tasks.js');

const calls = Number(process.argv[2] ?? 200_000);
const laws = fitPaperLaws();
const pointContext = createPlannerContext(laws);
const ensembleStart = performance.now();
const context = createPlannerContext(laws, fitLawEnsemble(laws));
const ensembleMs = performance.now() - ensembleStart;
// Budgets spread over the paper's range and both strategies, so no single branch is measured alone.
const requests: PlanRequest[] = Array.from({ length: 1024 }, (_, i) => ({
  budget: { amount: 400 * 1.005 ** i, unit: 'tpu_v4_core_hours' },
  strategy: i % 2 === 0 ? 'equal_rate' : 'fitted',
  objective: i % 4 < 2 ? 'jft_loss' : 'imagenet_top1',
}));
const samplePlan = plan(context, requests[0] as PlanRequest);

function microseconds(run: (i: number) => unknown): number {
  for (let i = 0; i < calls / 4; i++) run(i);
  const start = performance.now();
  for (let i = 0; i < calls; i++) run(i);
  return ((performance.now() - start) * 1000) / calls;
}

const conversion = microseconds((i) =>
  toTpuV4CoreHours((requests[i & 1023] as PlanRequest).budget, context.laws.costModel),
);
const stringify = microseconds(() => JSON.stringify(samplePlan));
// A batch's body: 1,000 distinct plans serialized and written as UTF-8, per plan; as the worker writes it (each part
// encoded in place) and as it once did (joined into one string, then encoded).
const planSchemaStringify = fastJson(responseJsonSchema(PlanSchema)) as (value: unknown) => string;
const batchPlans = requests.slice(0, 1000).map((r) => plan(context, r));
const encoder = new TextEncoder();
const joinedThenEncoded = (parts: string[]) => encoder.encode(`[${parts.join(',')}]`);
const encodedInPlace = (parts: string[]) => joinedUtf8('[', parts, ']');
const perBatchPlan = (stringify: (value: unknown) => string, write: (parts: string[]) => Uint8Array) => {
  const rounds = Math.max(5, Math.round(calls / 5000));
  for (let r = 0; r < 2; r++) write(batchPlans.map(stringify));
  const start = performance.now();
  for (let r = 0; r < rounds; r++) write(batchPlans.map(stringify));
  return ((performance.now() - start) * 1000) / (rounds * batchPlans.length);
};
const schemaStringify = microseconds(() => planSchemaStringify(samplePlan));
const batchJson = perBatchPlan(JSON.stringify, encodedInPlace);
const batchJoined = perBatchPlan(JSON.stringify, joinedThenEncoded);
const batchSchema = perBatchPlan(planSchemaStringify, encodedInPlace);
const planningWithoutIntervals = microseconds((i) => plan(pointContext, requests[i & 1023] as PlanRequest));
const planning = microseconds((i) => plan(context, requests[i & 1023] as PlanRequest));

const row = (name: string, us: number) =>
  console.log(
    `${name.padEnd(44)} ${us.toFixed(2).padStart(7)} us  ${(us / conversion).toFixed(1).padStart(6)} x conversion`,
  );
console.log(`${calls} calls each, after a warm-up of ${calls / 4}`);
row('toTpuV4CoreHours (baseline)', conversion);
row('JSON.stringify(plan) (serialisation)', stringify);
row("fast-json-stringify(plan) (POST /v1/plans's)", schemaStringify);
row('a batch plan: JSON.stringify, encoded in place', batchJson);
row('a batch plan: JSON.stringify, joined then encoded', batchJoined);
row('a batch plan: fast-json-stringify, in place', batchSchema);
row('plan() without an ensemble (point predictions)', planningWithoutIntervals);
row('plan() with intervals and pick shares', planning);
console.log(`ensemble of 200 members and its tables: ${ensembleMs.toFixed(0)} ms`);
console.log(
  `bars: 20 us per plan without intervals, 60 us with; measured ${planningWithoutIntervals.toFixed(2)} us and ${planning.toFixed(2)} us`,
);
