// A deeply frozen law is checked once and its surface reused; anything a caller could still change is checked anew.
// Oracle: object identity of the surfaces, and a change to an unfrozen coefficient showing up in the next surface.
import { describe, expect, it } from 'vitest';
import { frozenLaw } from '../../../src/api/profileLaw.js';
import { PlannerInputError } from '../../../src/core/errors.js';
import { type CustomLaw, customLossSurface } from '../../../src/core/planner/customLaw.js';

const lawOf = (E = 2): CustomLaw => ({
  id: 'mine',
  coefficients: { E, A: 1e4, B: 300, alpha: 0.5, beta: 0.3 },
});

describe('customLossSurface', () => {
  it('returns the same surface for the same deeply frozen law', () => {
    const law = frozenLaw(lawOf());
    expect(customLossSurface(law)).toBe(customLossSurface(law));
  });

  it('builds a new surface for a law that is not frozen, so a change to it is seen', () => {
    const law = lawOf() as { coefficients: { E: number } };
    const first = customLossSurface(law as CustomLaw);
    law.coefficients.E = 2.5;
    const second = customLossSurface(law as CustomLaw);
    expect(second).not.toBe(first);
    expect(second.coefficients.E).toBe(2.5);
  });

  it('does not remember a law frozen only on the outside: its coefficients can still change', () => {
    const inner = { E: 2, A: 1e4, B: 300, alpha: 0.5, beta: 0.3 };
    const law = Object.freeze({ id: 'mine', coefficients: inner });
    customLossSurface(law);
    inner.E = -1;
    expect(() => customLossSurface(law)).toThrow(PlannerInputError);
  });

  it('still refuses an invalid frozen law, every time', () => {
    const law = frozenLaw(lawOf(-1));
    expect(() => customLossSurface(law)).toThrow(PlannerInputError);
    expect(() => customLossSurface(law)).toThrow(PlannerInputError);
  });
});
