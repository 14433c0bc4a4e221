/**
 * formatCoreHours: four significant figures with en-US thousands separators, whatever the machine's locale.
 * Oracle: the numbers rounded by hand.
 */
import { describe, expect, it } from 'vitest';
import { formatCoreHours } from '../../../src/core/units/formatCoreHours.js';

describe('formatCoreHours', () => {
  it.each([
    [12_980, '12,980'],
    [12_984.6, '12,980'],
    [12_985, '12,990'],
    [110_000, '110,000'],
    [1_234_567, '1,235,000'],
    [999.95, '1,000'],
    [400, '400'],
    [12.3456, '12.35'],
    [0.5, '0.5'],
  ])('%d reads %s', (coreHours, text) => {
    expect(formatCoreHours(coreHours)).toBe(text);
  });
});
