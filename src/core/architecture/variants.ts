import { PlannerInputError } from '../errors.js';

/**
 * The NFNet family (Brock et al. 2021, arXiv 2102.06171; data/nfnet-architecture.md): Fk has stage depths
 * [1, 2, 6, 3] x (k + 1) and widths [256, 512, 1536, 1536]; Fk+ has the same depths at widths [384, 768, 2048, 2048].
 */
export const NFNET_VARIANTS = [
  'F0',
  'F1',
  'F2',
  'F3',
  'F4',
  'F5',
  'F6',
  'F7',
  'F0+',
  'F1+',
  'F2+',
  'F3+',
  'F4+',
  'F5+',
  'F6+',
  'F7+',
] as const;

export type NfnetVariant = (typeof NFNET_VARIANTS)[number];

export interface VariantSpec {
  readonly name: NfnetVariant;
  /** k in Fk: depth multiplier minus one. */
  readonly index: number;
  /** The wider "+" family. */
  readonly plus: boolean;
  readonly stageDepths: readonly [number, number, number, number];
  readonly stageWidths: readonly [number, number, number, number];
}

const BASE_DEPTHS = [1, 2, 6, 3] as const;
const WIDTHS = [256, 512, 1536, 1536] as const;
const PLUS_WIDTHS = [384, 768, 2048, 2048] as const;

export function isNfnetVariant(name: string): name is NfnetVariant {
  return (NFNET_VARIANTS as readonly string[]).includes(name);
}

/**
 * Accepts "F3+", "f3+" or "NFNet-F3+"; anything else is a PlannerInputError naming `field`. White space is refused,
 * not trimmed: in a query string an unencoded "+" arrives as a space ("F3 " for "F3+"), and trimming it would
 * silently plan F3.
 */
export function parseVariant(name: unknown, field = 'model'): NfnetVariant {
  if (typeof name === 'string') {
    if (/\s/.test(name))
      throw new PlannerInputError(
        field,
        `${field} must be an NFNet variant name without spaces; got ${JSON.stringify(name)}` +
          (/[^\s]\s+$/.test(name) ? ' (in a URL, send "+" as %2B: an unencoded + arrives as a space)' : ''),
      );
    const normalised = name.replace(/^nfnet-?/i, '').toUpperCase();
    if (isNfnetVariant(normalised)) return normalised;
  }
  throw new PlannerInputError(
    field,
    `${field} must be one of the NFNet variants ${NFNET_VARIANTS.join(', ')}; got ${JSON.stringify(name)}`,
  );
}

export function variantSpec(name: NfnetVariant): VariantSpec {
  const plus = name.endsWith('+');
  const index = Number(name.slice(1, 2));
  const depths = BASE_DEPTHS.map((d) => d * (index + 1)) as [number, number, number, number];
  return { name, index, plus, stageDepths: depths, stageWidths: plus ? PLUS_WIDTHS : WIDTHS };
}
