import { TPU_V4_PEAK_TFLOPS_PER_CORE } from '../dataset/facts.js';

/**
 * Throughput a per-epoch cost implies on a TPU-v4 core.
 *
 * Training one image costs 3 x its forward FLOPs (forward, plus a backward pass of about twice the forward, the usual
 * accounting of Kaplan et al. 2020 and Hoffmann et al. 2022), so
 *   imagesPerSecondPerCore = datasetImages / (costPerEpochTpuV4CoreHours x 3600)
 *   achievedTflopsPerCore  = 3 x flopsPerImage x imagesPerSecondPerCore / 1e12
 *   utilization            = achievedTflopsPerCore / TPU_V4_PEAK_TFLOPS_PER_CORE (137.5, vendor peak bf16)
 */
export interface ImpliedThroughput {
  readonly imagesPerSecondPerCore: number;
  readonly achievedTflopsPerCore: number;
  /** Fraction of the TPU-v4 bf16 peak per core. */
  readonly utilization: number;
}

/** Forward plus backward pass: the backward pass costs about twice the forward. */
export const TRAINING_FLOPS_PER_FORWARD_FLOP = 3;

export const SECONDS_PER_HOUR = 3600;
export const FLOPS_PER_TFLOP = 1e12;

export function impliedThroughput(
  flopsPerImage: number,
  costPerEpochTpuV4CoreHours: number,
  datasetImages: number,
): ImpliedThroughput {
  const imagesPerSecondPerCore = datasetImages / (costPerEpochTpuV4CoreHours * SECONDS_PER_HOUR);
  const achievedTflopsPerCore =
    (TRAINING_FLOPS_PER_FORWARD_FLOP * flopsPerImage * imagesPerSecondPerCore) / FLOPS_PER_TFLOP;
  return {
    imagesPerSecondPerCore,
    achievedTflopsPerCore,
    utilization: achievedTflopsPerCore / TPU_V4_PEAK_TFLOPS_PER_CORE,
  };
}
