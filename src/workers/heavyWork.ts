/**
 * Entry of the worker threads (piscina loads this file): each thread fits the paper's laws once, at start-up, into
 * its own PlannerContext, so a task carries only the request. The core is the same pure code the event loop runs.
 */
import { Piscina } from 'piscina';
import { fitPaperLaws } from '../core/laws/paperLaws.js';
import { createPlannerContext } from '../core/planner/context.js';
import { createTaskRunner, type HeavyTask, type TaskOutcome } from './tasks.js';

const { checkResponses } = (Piscina.workerData ?? {}) as { checkResponses?: boolean };
const runner = createTaskRunner(createPlannerContext(fitPaperLaws()), {
  checkResponses: checkResponses === true,
});

export default function runHeavyTask(task: HeavyTask): TaskOutcome {
  task.started?.postMessage('started');
  task.started?.close();
  return runner.run(task);
}
