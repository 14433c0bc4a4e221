/**
 * A minimal SVG writer for the charts. Every attribute value and text node is XML-escaped here, so callers never
 * build markup by string concatenation, and every number is checked to be finite, so a bad coordinate fails loudly
 * instead of reaching a browser as "NaN" (which SVG renderers silently drop, hiding the bug).
 */

/** Serialized, already-escaped markup. The brand keeps raw strings (which may hold `<` or `&`) out of children. */
export type Markup = string & { readonly __markup: unique symbol };

export type AttributeValue = string | number | undefined;

/** Decimals kept for coordinates: 0.01 px is far below what any screen resolves, and keeps files small. */
const COORDINATE_DECIMALS = 2;

/** XML 1.0's Char production (section 2.2): tab, newline, carriage return, and everything from U+0020 except
 * surrogates and U+FFFE/U+FFFF. */
function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    codePoint >= 0x10000
  );
}

/**
 * Characters XML cannot represent at all, even escaped (most C0 controls, lone surrogates), are replaced by U+FFFD
 * rather than dropped, so a reader sees something was there.
 */
function replaceNonXmlCharacters(text: string): string {
  let out = '';
  // for..of walks code points: a valid surrogate pair arrives whole, a lone surrogate alone.
  for (const character of text) {
    out += isXmlCharacter(character.codePointAt(0) ?? 0) ? character : '\uFFFD';
  }
  return out;
}

/** Escape text for use in XML content or a double- or single-quoted attribute. */
export function escapeXml(text: string): string {
  return replaceNonXmlCharacters(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A number as fixed-decimal text; throws on NaN or an infinity, naming what it was for. */
export function formatNumber(value: number, what = 'coordinate', decimals = COORDINATE_DECIMALS): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`chart ${what} is not a finite number (${String(value)})`);
  }
  const text = value.toFixed(decimals);
  // toFixed keeps the sign of tiny negatives ("-0.00"), which is valid but noisy.
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

function attributes(attrs: Readonly<Record<string, AttributeValue>>): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    const text = typeof value === 'number' ? formatNumber(value, `attribute "${name}"`) : escapeXml(value);
    out += ` ${name}="${text}"`;
  }
  return out;
}

/** An element with attributes and children; with no children it is self-closed. */
export function el(
  name: string,
  attrs: Readonly<Record<string, AttributeValue>> = {},
  children: readonly Markup[] = [],
): Markup {
  const open = `<${name}${attributes(attrs)}`;
  return (children.length === 0 ? `${open}/>` : `${open}>${children.join('')}</${name}>`) as Markup;
}

/** A text node, escaped. */
export function text(content: string): Markup {
  return escapeXml(content) as Markup;
}

/** An element holding only text: `<text>`, `<title>`, `<desc>`. */
export function textEl(
  name: string,
  attrs: Readonly<Record<string, AttributeValue>>,
  content: string,
): Markup {
  return el(name, attrs, [text(content)]);
}

/** The `points` attribute of a polyline or polygon; every coordinate checked. */
export function pointsAttribute(points: readonly (readonly [number, number])[]): string {
  return points
    .map(([x, y]) => `${formatNumber(x, 'polyline x')},${formatNumber(y, 'polyline y')}`)
    .join(' ');
}

/** Path data from commands such as ['M', x, y, 'L', x, y, 'Z']; numbers checked and formatted. */
export function pathData(parts: readonly (string | number)[]): string {
  return parts
    .map((part) => (typeof part === 'number' ? formatNumber(part, 'path coordinate') : part))
    .join(' ');
}

export interface SvgDocument {
  readonly width: number;
  readonly height: number;
  /** Accessible name, shown by browsers as the document title. */
  readonly title: string;
  readonly description: string;
  readonly children: readonly Markup[];
}

/** A standalone SVG document (XML declaration, namespace, viewBox, title and description for screen readers). */
export function svgDocument(doc: SvgDocument): string {
  const root = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width: doc.width,
      height: doc.height,
      viewBox: `0 0 ${formatNumber(doc.width)} ${formatNumber(doc.height)}`,
      role: 'img',
      'aria-labelledby': 'chart-title chart-desc',
      'font-family': 'system-ui, sans-serif',
    },
    [
      textEl('title', { id: 'chart-title' }, doc.title),
      textEl('desc', { id: 'chart-desc' }, doc.description),
      ...doc.children,
    ],
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
