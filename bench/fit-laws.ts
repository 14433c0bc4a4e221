/**
 * Times fitting every law (fitPaperLaws: cost model, JFT loss surface with its six leave-one-model-out refits,
 * fine-tuned ImageNet error surface, frontier, measured allocation, learning-rate law), the budget being
 * 200 ms for all laws together. Reports the median of
 * many repetitions after a warm-up, and, as a baseline measured in the same run, the cost of one surface fit.
 *
 *   npx tsx bench/fit-laws.ts [repetitions]
 */

import { fitFinetuneLaw } from '../src/core/laws/finetuneLaw.js';
import { fitJftLossLaw, jftLossObservations } from '../src/core/laws/lossLaw.js';
import { fitPaperLaws } from '../src/core/laws/paperLaws.js';
import { fitSurface } from '../src/core/laws/surface.js';
import { medianMs } from './median.js';

const repetitions = Number(process.argv[2] ?? 30);

const timed = (run: () => unknown): number => medianMs(run, repetitions, 3);

const observations = jftLossObservations();
const singleFit = timed(() => fitSurface(observations));
const lossLaw = timed(() => fitJftLossLaw());
const finetuneLaw = timed(() => fitFinetuneLaw());
const all = timed(() => fitPaperLaws());

const row = (name: string, ms: number) =>
  console.log(
    `${name.padEnd(46)} ${ms.toFixed(2).padStart(8)} ms  ${(ms / singleFit).toFixed(1).padStart(5)} x one fit`,
  );
console.log(`median of ${repetitions} runs after 3 warm-ups`);
row('one surface fit (Figure 2, 36 points, baseline)', singleFit);
row('fitJftLossLaw (fit + 6 leave-one-model-out)', lossLaw);
row('fitFinetuneLaw (Figure 1, 25 points)', finetuneLaw);
row('fitPaperLaws (every law, as the service starts)', all);
console.log(`budget for all laws: 200 ms; these use ${((all / 200) * 100).toFixed(0)}% of it`);
