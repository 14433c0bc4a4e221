import { FACTS, type StatedFact } from '../dataset/facts.js';

/**
 * GPUs a budget may be stated in, each with its vendor dense bf16 peak (FACTS.*PeakTflops, from the datasheets).
 * Dense, not the 2:4-sparsity figure the datasheets also print, because NFNet training uses dense matrix multiplies.
 */
export const GPU_ACCELERATORS = ['a100', 'h100', 'h200'] as const;
export type GpuAccelerator = (typeof GPU_ACCELERATORS)[number];

export const GPU_PEAK: Readonly<Record<GpuAccelerator, { label: string; fact: StatedFact }>> = {
  a100: { label: 'NVIDIA A100', fact: FACTS.a100PeakTflops },
  h100: { label: 'NVIDIA H100', fact: FACTS.h100PeakTflops },
  h200: { label: 'NVIDIA H200', fact: FACTS.h200PeakTflops },
};

export function isGpuAccelerator(name: unknown): name is GpuAccelerator {
  return typeof name === 'string' && (GPU_ACCELERATORS as readonly string[]).includes(name);
}
