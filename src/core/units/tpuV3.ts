import { FACTS } from '../dataset/facts.js';

/**
 * How many TPU-v4 core hours one TPU-v3 core hour is worth, on the two bases the paper offers.
 *
 * 'nfnet_f7plus' (default): the paper's own NFNet run, 110k TPU-v4 core hours estimated at 250k TPU-v3 core hours,
 *   so 110k / 250k = 0.44. The paper prints "250" without its "k"; the k is implied, since the TPU-v3 core is the
 *   slower one and must take more hours. It is the basis measured on the model family this planner plans.
 * 'vit': the three Vision Transformers the paper re-measured on TPU-v4 against their reported TPU-v3 compute
 *   (ViT-g/14 120k/210k = 0.571, ViT-G/14 280k/500k = 0.560, SoViT-400m/14 130k/230k = 0.565); their arithmetic mean,
 *   0.566. The three agree within 2 %, so the mean and the geometric mean differ only in the fourth digit.
 */
export const TPU_V3_BASES = ['nfnet_f7plus', 'vit'] as const;
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
