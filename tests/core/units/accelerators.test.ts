/**
 * The accelerator lists and the utilization range. Oracle: the vendors' datasheets (dense bf16 peak per device; a
 * TPU v4 or v5p chip holds two TensorCores, so a core has half the chip's peak).
 */
import { describe, expect, it } from 'vitest';
import {
  ACCELERATOR_SPECS,
  ACCELERATORS,
  GPU_ACCELERATORS,
  GPU_PEAK,
  isAccelerator,
  isGpuAccelerator,
  MAX_UTILIZATION,
  MIN_UTILIZATION,
} from '../../../src/core/units/accelerators.js';

describe('accelerators', () => {
  it('every GPU is also an accelerator, with the same datasheet peak for a budget and for a run', () => {
    for (const gpu of GPU_ACCELERATORS) {
      expect(ACCELERATORS).toContain(gpu);
      expect(GPU_PEAK[gpu].fact.value).toBe(ACCELERATOR_SPECS[gpu].peakTflops);
    }
    expect(GPU_ACCELERATORS).toEqual(['a100', 'h100', 'h200', 'b200']);
  });

  it('only TPU-v4 devices count as TPU-v4 cores: a core is 1, a chip 2', () => {
    const tpuV4 = ACCELERATORS.filter((a) => ACCELERATOR_SPECS[a].tpuV4Cores !== undefined);
    expect(tpuV4).toEqual(['tpu_v4_core', 'tpu_v4_chip']);
    expect(ACCELERATOR_SPECS.tpu_v4_core.tpuV4Cores).toBe(1);
    expect(ACCELERATOR_SPECS.tpu_v4_chip.tpuV4Cores).toBe(2);
  });

  it.each([
    ['tpu_v4_core', 'TPU v4 core'],
    ['tpu_v5p_core', 'TPU v5p core'],
    ['tpu_v6e_chip', 'TPU v6e chip'],
    ['h200', 'NVIDIA H200'],
  ] as const)('%s is labelled %s', (accelerator, label) => {
    expect(ACCELERATOR_SPECS[accelerator].label).toBe(label);
  });

  it('recognizes names, and nothing that is not a listed string', () => {
    expect(isAccelerator('tpu_v5e_chip')).toBe(true);
    expect(isGpuAccelerator('h100')).toBe(true);
    expect(isGpuAccelerator('tpu_v4_chip')).toBe(false);
    for (const other of ['H100', '', 'tpu_v4', 42, null, undefined, ['h100']]) {
      expect(isAccelerator(other)).toBe(false);
      expect(isGpuAccelerator(other)).toBe(false);
    }
  });

  it('utilization runs from a thousandth of peak to all of it', () => {
    expect([MIN_UTILIZATION, MAX_UTILIZATION]).toEqual([0.001, 1]);
  });
});
