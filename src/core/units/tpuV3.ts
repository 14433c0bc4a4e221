import { FACTS } from '../dataset/facts.js';

/**
 * How many TPU-v4 core hours one TPU-v3 core hour is worth, on the two bases the paper offers.
 *
 * 'vit' (default): the paper's own conversions, the three Vision Transformers it re-measured on TPU-v4 against
 *   their reported TPU-v3 compute (ViT-g/14 120k/210k = 0.571, ViT-G/14 280k/500k = 0.560, SoViT-400m/14
 *   130k/230k = 0.565); their arithmetic mean, 0.566. The three agree within 2 %, so the mean and the geometric mean
 *   differ only in the fourth digit; it reproduces each of the three within 1.2 %.
 * 'nfnet_f7plus' (opt-in): the paper's NFNet-F7+ run, 110k TPU-v4 core hours put at 250k TPU-v3 core hours, so
 *   0.44. The paper prints "250" without its "k" and does not say how it estimated it (the peak-FLOPs ratio of the
 *   two cores would give 0.5, the ViT measurements 0.566), so it is not the default.
 */
export const TPU_V3_BASES = ['vit', 'nfnet_f7plus'] as const;
export type TpuV3Basis = (typeof TPU_V3_BASES)[number];

const VIT_RATIOS = [
  FACTS.vitG14TpuV4CoreHours.value / FACTS.vitG14TpuV3CoreHours.value,
  FACTS.vitBigG14TpuV4CoreHours.value / FACTS.vitBigG14TpuV3CoreHours.value,
  FACTS.soVit400mTpuV4CoreHours.value / FACTS.soVit400mTpuV3CoreHours.value,
];

export const TPU_V4_CORE_HOURS_PER_TPU_V3_CORE_HOUR: Readonly<Record<TpuV3Basis, number>> = {
  nfnet_f7plus: FACTS.f7PlusPretrainTpuV4CoreHours.value / FACTS.f7PlusPretrainTpuV3CoreHours.value,
  vit: VIT_RATIOS.reduce((a, b) => a + b, 0) / VIT_RATIOS.length,
};

export function isTpuV3Basis(name: unknown): name is TpuV3Basis {
  return typeof name === 'string' && (TPU_V3_BASES as readonly string[]).includes(name);
}
