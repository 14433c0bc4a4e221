import { FACTS, type StatedFact } from '../dataset/facts.js';

/**
 * Accelerators a budget or a run may be stated in, each with its vendor dense bf16 peak per device (FACTS, from the
 * vendors' documentation). Dense, not the 2:4-sparsity figure the GPU datasheets also print, because NFNet training
 * uses dense matrix multiplies. A TPU "core" is one TensorCore: TPU v4 and v5p chips hold two, v5e and v6e chips one.
 */

/** GPUs a gpu_hours budget may name. */
export const GPU_ACCELERATORS = ['a100', 'h100', 'h200', 'b200'] as const;
export type GpuAccelerator = (typeof GPU_ACCELERATORS)[number];

/** Every device hardware.accelerator may name: TPU chips or cores, and the GPUs. */
export const ACCELERATORS = [
  'tpu_v4_core',
  'tpu_v4_chip',
  'tpu_v5e_chip',
  'tpu_v5p_core',
  'tpu_v5p_chip',
  'tpu_v6e_chip',
  ...GPU_ACCELERATORS,
] as const;
export type Accelerator = (typeof ACCELERATORS)[number];

export interface AcceleratorSpec {
  readonly label: string;
  /** Dense bf16 peak of one device (a chip, a core or a GPU), TFLOP/s. */
  readonly peakTflops: number;
  /** The stated figure the peak comes from (per chip for TPU cores: the peak is that over the cores per chip). */
  readonly fact: StatedFact;
  /** TPU-v4 cores one device is; only TPU-v4 devices, whose cost the paper measured in core hours. */
  readonly tpuV4Cores?: number;
}

const V4_CORES = FACTS.tpuV4CoresPerChip.value;
const V5P_CORES = FACTS.tpuV5pCoresPerChip.value;

export const ACCELERATOR_SPECS: Readonly<Record<Accelerator, AcceleratorSpec>> = {
  tpu_v4_core: {
    label: 'TPU v4 core',
    peakTflops: FACTS.tpuV4PeakTflopsPerChip.value / V4_CORES,
    fact: FACTS.tpuV4PeakTflopsPerChip,
    tpuV4Cores: 1,
  },
  tpu_v4_chip: {
    label: 'TPU v4 chip',
    peakTflops: FACTS.tpuV4PeakTflopsPerChip.value,
    fact: FACTS.tpuV4PeakTflopsPerChip,
    tpuV4Cores: V4_CORES,
  },
  tpu_v5e_chip: {
    label: 'TPU v5e chip',
    peakTflops: FACTS.tpuV5ePeakTflopsPerChip.value,
    fact: FACTS.tpuV5ePeakTflopsPerChip,
  },
  tpu_v5p_core: {
    label: 'TPU v5p core',
    peakTflops: FACTS.tpuV5pPeakTflopsPerChip.value / V5P_CORES,
    fact: FACTS.tpuV5pPeakTflopsPerChip,
  },
  tpu_v5p_chip: {
    label: 'TPU v5p chip',
    peakTflops: FACTS.tpuV5pPeakTflopsPerChip.value,
    fact: FACTS.tpuV5pPeakTflopsPerChip,
  },
  tpu_v6e_chip: {
    label: 'TPU v6e chip',
    peakTflops: FACTS.tpuV6ePeakTflopsPerChip.value,
    fact: FACTS.tpuV6ePeakTflopsPerChip,
  },
  a100: { label: 'NVIDIA A100', peakTflops: FACTS.a100PeakTflops.value, fact: FACTS.a100PeakTflops },
  h100: { label: 'NVIDIA H100', peakTflops: FACTS.h100PeakTflops.value, fact: FACTS.h100PeakTflops },
  h200: { label: 'NVIDIA H200', peakTflops: FACTS.h200PeakTflops.value, fact: FACTS.h200PeakTflops },
  b200: { label: 'NVIDIA B200', peakTflops: FACTS.b200PeakTflops.value, fact: FACTS.b200PeakTflops },
};

/** The GPUs of a gpu_hours budget, in the shape the budget conversion reads. */
export const GPU_PEAK: Readonly<Record<GpuAccelerator, { label: string; fact: StatedFact }>> = {
  a100: ACCELERATOR_SPECS.a100,
  h100: ACCELERATOR_SPECS.h100,
  h200: ACCELERATOR_SPECS.h200,
  b200: ACCELERATOR_SPECS.b200,
};

export function isGpuAccelerator(name: unknown): name is GpuAccelerator {
  return typeof name === 'string' && (GPU_ACCELERATORS as readonly string[]).includes(name);
}

export function isAccelerator(name: unknown): name is Accelerator {
  return typeof name === 'string' && (ACCELERATORS as readonly string[]).includes(name);
}

/**
 * A sustained fraction of an accelerator's peak: at most all of it, and at least a thousandth. Below that a wall
 * clock (training FLOPs / (count x peak x utilization)) leaves any sense, and at a subnormal utilization it overflows
 * to infinity.
 */
export const MIN_UTILIZATION = 0.001;
export const MAX_UTILIZATION = 1;
