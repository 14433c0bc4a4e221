/**
 * What the paper measured, per objective: the runs a fitted pick prefers among near ties (pick.ts) and the warnings
 * name (warnings.ts). For the JFT-4B loss, Figure 2's pre-training runs: a variant it trained, at no fewer JFT-4B
 * epochs than it studied (0.25, stated). For ImageNet top-1, Figure 1's fine-tuned runs: a variant it fine-tuned, from
 * no fewer JFT-4B epochs of pre-training than it fine-tuned that variant from (F7+ only from 1 epoch, for one).
 */
import { FACTS } from '../dataset/facts.js';
import { FIGURE1_NFNET_IMAGENET_ERROR } from '../dataset/figures.js';
import type { Objective } from './request.js';

/** The JFT-4B epochs each variant was fine-tuned from in Figure 1 (digitized; the RA point and ViTs excluded). */
export const FIGURE1_EPOCHS: ReadonlyMap<string, { readonly min: number; readonly max: number }> = (() => {
  const ranges = new Map<string, { min: number; max: number }>();
  for (const p of FIGURE1_NFNET_IMAGENET_ERROR) {
    if (p.epochs === null) continue;
    const r = ranges.get(p.model) ?? { min: p.epochs, max: p.epochs };
    ranges.set(p.model, { min: Math.min(r.min, p.epochs), max: Math.max(r.max, p.epochs) });
  }
  return ranges;
})();

/**
 * Whether a run of `model` for `jftEpochs` JFT-4B epochs lies inside what the paper measured for `objective`. Only the
 * short end bounds it: more budget then only ever moves a run into the range, never out (pick.ts relies on it).
 */
export function insidePaperRange(
  model: { readonly name: string; readonly trainedInPaper: boolean },
  jftEpochs: number,
  objective: Objective,
): boolean {
  if (objective === 'jft_loss') return model.trainedInPaper && jftEpochs >= FACTS.minEpochsStudied.value;
  const fineTuned = FIGURE1_EPOCHS.get(model.name);
  return fineTuned !== undefined && jftEpochs >= fineTuned.min;
}
