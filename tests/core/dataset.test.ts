import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FACTS, TPU_V4_PEAK_TFLOPS_PER_CORE } from '../../src/core/dataset/facts.js';
import {
  FIGURE1_NFNET_IMAGENET_ERROR,
  FIGURE1_REFERENCE_POINTS,
  FIGURE2_JFT_VALIDATION_LOSS,
  FIGURE3_OPTIMAL_LEARNING_RATE,
} from '../../src/core/dataset/figures.js';

/** The project's shipped copy of the digitized CSVs (data/paper/), the oracle for the typed data. */
function readCsv(name: string): string[][] {
  const text = readFileSync(new URL(`../../data/paper/${name}`, import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

describe('typed dataset matches the shipped CSV files row for row', () => {
  it('Figure 2: 36 points', () => {
    const rows = readCsv('figure2_jft_validation_loss.csv');
    expect(FIGURE2_JFT_VALIDATION_LOSS).toHaveLength(36);
    rows.forEach(([model, epochs, hours, loss, flag], i) => {
      const p = FIGURE2_JFT_VALIDATION_LOSS[i];
      expect([p?.model, p?.epochs, p?.tpuV4CoreHours, p?.jftValidationLoss, p?.occlusion]).toEqual([
        model,
        Number(epochs),
        Number(hours),
        Number(loss),
        flag || null,
      ]);
    });
  });

  it('Figure 1: 25 NFNet points then 4 reference points', () => {
    const rows = readCsv('figure1_imagenet_top1_error.csv');
    const typed = [...FIGURE1_NFNET_IMAGENET_ERROR, ...FIGURE1_REFERENCE_POINTS];
    expect(FIGURE1_NFNET_IMAGENET_ERROR).toHaveLength(25);
    expect(typed).toHaveLength(rows.length);
    rows.forEach(([model, epochs, hours, error, flag], i) => {
      const p = typed[i];
      expect([p?.model, p?.epochs, p?.tpuV4CoreHours, p?.imagenetTop1ErrorPercent, p?.flag]).toEqual([
        model,
        epochs ? Number(epochs) : null,
        Number(hours),
        Number(error),
        flag || null,
      ]);
    });
  });

  it('Figure 3: 18 points', () => {
    const rows = readCsv('figure3_optimal_learning_rate.csv');
    expect(FIGURE3_OPTIMAL_LEARNING_RATE).toHaveLength(18);
    rows.forEach(([model, epochs, lr], i) => {
      const p = FIGURE3_OPTIMAL_LEARNING_RATE[i];
      expect([p?.model, p?.epochs, p?.optimalLearningRate]).toEqual([model, Number(epochs), Number(lr)]);
    });
  });
});

describe('stated facts', () => {
  it('every fact has a unit, a meaning and a source', () => {
    for (const fact of Object.values(FACTS)) {
      expect(Number.isFinite(fact.value)).toBe(true);
      expect(fact.unit.length).toBeGreaterThan(0);
      expect(fact.meaning.length).toBeGreaterThan(10);
      expect(fact.source.length).toBeGreaterThan(5);
    }
  });

  it('TPU-v4 peak per core is 275 / 2 = 137.5 TFLOP/s', () => {
    expect(TPU_V4_PEAK_TFLOPS_PER_CORE).toBe(137.5);
  });

  it('the text agrees with the digitized figures: F7+ 8 epochs near 110k core hours and 90.3 % top-1', () => {
    const f7plus8 = FIGURE1_NFNET_IMAGENET_ERROR.find((p) => p.model === 'F7+' && p.epochs === 8);
    expect(f7plus8).toBeDefined();
    expect(
      Math.abs(100 - (f7plus8?.imagenetTop1ErrorPercent ?? 0) - FACTS.bestImagenetTop1Percent.value),
    ).toBeLessThan(0.06);
    expect(
      Math.abs((f7plus8?.tpuV4CoreHours ?? 0) / FACTS.f7PlusPretrainTpuV4CoreHours.value - 1),
    ).toBeLessThan(0.05);
  });
});
