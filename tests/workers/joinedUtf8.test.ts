// Oracle: the plain way, TextEncoder over the joined string; the writer must give the same bytes whatever the parts
// hold, including characters of 2, 3 and 4 UTF-8 bytes that make the first ASCII-sized buffer too small.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinedUtf8 } from '../../src/workers/tasks.js';

const plain = (head: string, parts: readonly string[], tail: string) =>
  new TextEncoder().encode(`${head}${parts.join(',')}${tail}`);

describe('joinedUtf8', () => {
  it('writes ASCII parts into a buffer of exactly their length', () => {
    const bytes = joinedUtf8('{"results":[', ['{"a":1}', '{"b":2.5}'], ']}');
    expect(new TextDecoder().decode(bytes)).toBe('{"results":[{"a":1},{"b":2.5}]}');
    expect(bytes.buffer.byteLength).toBe(bytes.length);
  });

  it('writes no comma for no parts or one part', () => {
    expect(new TextDecoder().decode(joinedUtf8('[', [], ']'))).toBe('[]');
    expect(new TextDecoder().decode(joinedUtf8('[', ['x'], ']'))).toBe('[x]');
  });

  it('grows for multi-byte characters, surrogate pairs included', () => {
    const parts = ['"é"', '"≥ 5k"', '"😀😀😀"', 'x'.repeat(50)];
    expect(joinedUtf8('[', parts, ']')).toEqual(plain('[', parts, ']'));
  });

  it('equals TextEncoder over the joined string for any strings (2,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }),
        fc.string({ unit: 'binary' }),
        (head, parts, tail) => {
          expect(joinedUtf8(head, parts, tail)).toEqual(plain(head, parts, tail));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
