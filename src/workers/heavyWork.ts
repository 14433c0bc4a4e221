/**
 * Entry of the worker threads (piscina loads this file). Each thread receives the event loop's PlannerContext once,
 * at start-up (plain data, about 45 kB structured-cloned), so every task carries only the request and a thread
 * answers exactly as the event loop would: the same fitted laws, the same pure core functions, no refit.
 */
import { Piscina } from 'piscina';
import type { PlannerContext } from '../core/planner/context.js';
import { createTaskRunner, type HeavyTask, type TaskOutcome } from './tasks.js';

const { planner, checkResponses } = Piscina.workerData as {
  planner: PlannerContext;
  checkResponses: boolean;
};
const runner = createTaskRunner(planner, { checkResponses });

export default function runHeavyTask(task: HeavyTask): TaskOutcome {
  task.started?.postMessage('started');
  task.started?.close();
  return runner.run(task);
}
