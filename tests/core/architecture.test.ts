import { describe, expect, it } from 'vitest';
import { countNfnet, MAX_CLASSES, MAX_RESOLUTION } from '../../src/core/architecture/count.js';
import { NFNET_VARIANTS, parseVariant, variantSpec } from '../../src/core/architecture/variants.js';
import { PlannerInputError } from '../../src/core/errors.js';

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / expected;

describe('countNfnet against the published NFNet table (Brock et al. 2021, as quoted in data/nfnet-architecture.md; "#FLOPs" there is MACs)', () => {
  it('F0 at 256 px, 1,000 classes: 71.5 M parameters, 12.38 B MACs', () => {
    const f0 = countNfnet('F0', 256, 1000);
    expect(relativeError(f0.params, 71.5e6)).toBeLessThan(0.005);
    expect(relativeError(f0.macs, 12.38e9)).toBeLessThan(0.005);
  });

  it('F4+ at 512 px, 1,000 classes: 527 M parameters, 367 B MACs', () => {
    const f4plus = countNfnet('F4+', 512, 1000);
    expect(relativeError(f4plus.params, 527e6)).toBeLessThan(0.005);
    expect(relativeError(f4plus.macs, 367e9)).toBeLessThan(0.005);
  });

  it('FLOPs are twice the MACs', () => {
    const f3 = countNfnet('F3');
    expect(f3.flops).toBe(2 * f3.macs);
  });
});

describe('countNfnet invariants', () => {
  it.each(NFNET_VARIANTS)(
    '%s: each extra class adds (final width = 2 x last stage width) + 1 parameters',
    (variant) => {
      const lastStageWidth = variantSpec(variant).stageWidths[3];
      const finalWidth = 2 * lastStageWidth;
      const base = countNfnet(variant, 224, 1000);
      const more = countNfnet(variant, 224, 1007);
      expect(more.params - base.params).toBe(7 * (finalWidth + 1));
      expect(more.macs - base.macs).toBe(7 * finalWidth);
    },
  );

  it.each(NFNET_VARIANTS)('%s: parameters do not depend on resolution', (variant) => {
    expect(countNfnet(variant, 128, 1000).params).toBe(countNfnet(variant, 480, 1000).params);
  });

  it('convolution MACs scale with the square of resolution when every stride divides it evenly', () => {
    // At 224 and 448 px every feature map halves exactly, so only the dense layers (SE, classifier) do not scale.
    const small = countNfnet('F1', 224, 1000);
    const large = countNfnet('F1', 448, 1000);
    const convMacs = (c: typeof small) =>
      c.layers.filter((l) => l.kind === 'conv').reduce((s, l) => s + l.macs, 0);
    expect(convMacs(large)).toBe(4 * convMacs(small));
  });

  it('the stem has total stride 4 and the network total stride 32', () => {
    const layers = countNfnet('F0', 224, 1000).layers;
    expect(layers.find((l) => l.name === 'stem.conv3')?.outputResolution).toBe(56);
    expect(layers.find((l) => l.name === 'head.conv')?.outputResolution).toBe(7);
  });

  it('SAME padding rounds odd feature maps up: 225 px gives a 57 px stem output', () => {
    const stem = countNfnet('F0', 225, 1000).layers.find((l) => l.name === 'stem.conv3');
    expect(stem?.outputResolution).toBe(57);
  });

  it('hand-counted first convolution: 3x3, 3->16, stride 2 at 224 px', () => {
    const conv0 = countNfnet('F0', 224, 1000).layers[0];
    expect(conv0?.params).toBe(3 * 3 * 3 * 16 + 16 + 16);
    expect(conv0?.macs).toBe(112 * 112 * 3 * 3 * 3 * 16);
  });

  it('F(k) has (k + 1) x 12 blocks, each with one scalar skip gain', () => {
    for (const variant of NFNET_VARIANTS) {
      const gains = countNfnet(variant).layers.filter((l) => l.kind === 'scalar');
      expect(gains).toHaveLength(12 * (variantSpec(variant).index + 1));
    }
  });

  it('deeper and wider variants cost more', () => {
    for (let k = 0; k < 7; k++) {
      expect(countNfnet(`F${k + 1}` as 'F1').flops).toBeGreaterThan(countNfnet(`F${k}` as 'F0').flops);
      expect(countNfnet(`F${k}+` as 'F0+').flops).toBeGreaterThan(countNfnet(`F${k}` as 'F0').flops);
    }
  });
});

describe('countNfnet layers, named as in the NFNet reference code (Brock et al. 2021)', () => {
  it('F0: stem, 1 + 2 + 6 + 3 blocks of seven layers, a shortcut opening each stage, then the head', () => {
    const names = countNfnet('F0', 224, 1000).layers.map((l) => `${l.kind}:${l.name}`);
    expect(names.slice(0, 4)).toEqual([
      'conv:stem.conv0',
      'conv:stem.conv1',
      'conv:stem.conv2',
      'conv:stem.conv3',
    ]);
    expect(names.slice(4, 12)).toEqual([
      'conv:stage1.block0.conv0',
      'conv:stage1.block0.conv1',
      'conv:stage1.block0.conv1b',
      'conv:stage1.block0.conv2',
      'dense:stage1.block0.se.reduce',
      'dense:stage1.block0.se.expand',
      'scalar:stage1.block0.skipGain',
      'conv:stage1.block0.shortcut',
    ]);
    expect(names.slice(-2)).toEqual(['conv:head.conv', 'dense:head.classifier']);
    // Only a stage's first block changes width or resolution, so only it has a projection shortcut.
    expect(names.filter((n) => n.endsWith('.shortcut'))).toEqual([
      'conv:stage1.block0.shortcut',
      'conv:stage2.block0.shortcut',
      'conv:stage3.block0.shortcut',
      'conv:stage4.block0.shortcut',
    ]);
    expect(names).toHaveLength(4 + 12 * 7 + 4 + 2);
  });

  it('the classifier is a dense layer of (2 x last width + 1) x classes parameters: F0 ends 1536 wide', () => {
    const classifier = countNfnet('F0', 224, 1000).layers.at(-1);
    expect(classifier).toEqual({
      name: 'head.classifier',
      kind: 'dense',
      params: (2 * 1536 + 1) * 1000,
      macs: 2 * 1536 * 1000,
      outputResolution: 1,
    });
  });
});

describe('bad input', () => {
  it('resolution and classes are accepted up to their limits and refused one past, naming the field and limit', () => {
    expect(countNfnet('F0', MAX_RESOLUTION, 1).resolution).toBe(MAX_RESOLUTION);
    expect(countNfnet('F0', 1, MAX_CLASSES).classes).toBe(MAX_CLASSES);
    expect(() => countNfnet('F0', MAX_RESOLUTION + 1, 1)).toThrow(
      `resolution must be a whole number from 1 to ${MAX_RESOLUTION}; got ${MAX_RESOLUTION + 1}`,
    );
    expect(() => countNfnet('F0', 224, MAX_CLASSES + 1)).toThrow(
      `classes must be a whole number from 1 to ${MAX_CLASSES}; got ${MAX_CLASSES + 1}`,
    );
  });

  it('parseVariant names the field it checks, and says which variants exist', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error as PlannerInputError;
      }
      throw new Error('accepted');
    };
    const unknown = refusal(() => parseVariant('F9', 'variant'));
    expect(unknown.field).toBe('variant');
    expect(unknown.message).toBe(
      'variant must be one of the NFNet variants F0, F1, F2, F3, F4, F5, F6, F7, F0+, F1+, F2+, F3+, F4+, F5+, F6+, F7+; got "F9"',
    );
    expect(refusal(() => parseVariant('F9')).field).toBe('model');
  });

  it('parseVariant refuses white space, and explains a trailing one as an unencoded "+" (query strings)', () => {
    const hint = 'in a URL, send "+" as %2B';
    expect(() => parseVariant('F3 ')).toThrow(
      'model must be an NFNet variant name without spaces; got "F3 "',
    );
    expect(() => parseVariant('F3 ')).toThrow(hint);
    expect(() => parseVariant('F3  ')).toThrow(hint);
    for (const inside of ['F3 x', ' F3', 'F 3']) {
      expect(() => parseVariant(inside)).toThrow('without spaces');
      expect(() => parseVariant(inside)).not.toThrow(hint);
    }
  });

  it('parseVariant takes the prefix "NFNet" (with or without a dash) only at the start', () => {
    expect(parseVariant('nfnetF3')).toBe('F3');
    expect(parseVariant('NFNet-f3')).toBe('F3');
    expect(() => parseVariant('xnfnet-F3')).toThrow(PlannerInputError);
    expect(() => parseVariant('F3nfnet-')).toThrow(PlannerInputError);
  });

  it.each([0, -224, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e9])(
    'resolution %s is a PlannerInputError',
    (r) => {
      expect(() => countNfnet('F0', r, 1000)).toThrow(PlannerInputError);
    },
  );

  it.each([0, -1, 2.5, Number.NaN])('classes %s is a PlannerInputError naming "classes"', (c) => {
    try {
      countNfnet('F0', 224, c);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlannerInputError);
      expect((error as PlannerInputError).field).toBe('classes');
    }
  });

  it("parseVariant accepts the paper's spellings and rejects others", () => {
    expect(parseVariant('f3+')).toBe('F3+');
    expect(parseVariant('NFNet-F7+')).toBe('F7+');
    expect(() => parseVariant('F8')).toThrow(/must be one of the NFNet variants/);
    expect(() => parseVariant(42)).toThrow(PlannerInputError);
  });
});
