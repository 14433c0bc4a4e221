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

/**
 * Runs a task; a body's bytes are moved to the event loop, not copied: a 10 MB batch then exists once, as the buffer
 * the socket writes, instead of a string here, its structured clone there and the buffer Node encodes for the socket.
 */
export default function runHeavyTask(task: HeavyTask): TaskOutcome {
  task.started?.postMessage('started');
  task.started?.close();
  const outcome = runner.run(task);
  if (!outcome.ok) return outcome;
  const movable = { [Piscina.transferableSymbol]: [outcome.body.buffer], [Piscina.valueSymbol]: outcome };
  return Piscina.move(movable as never) as unknown as TaskOutcome;
}
