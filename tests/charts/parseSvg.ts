import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Test helper: parses a chart with an independent XML parser (fast-xml-parser) into a flat list of elements, so
 * tests read the drawn geometry the way a browser would, not the chart code's own intermediate values.
 */

export interface SvgNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Concatenated text of the element's direct text children, entities decoded. */
  readonly text: string;
  readonly children: readonly SvgNode[];
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function toNode(raw: Ordered): SvgNode | null {
  const name = Object.keys(raw).find((key) => key !== ':@');
  if (name === undefined || name === '#text' || name.startsWith('?')) return null;
  const rawChildren = (raw[name] as Ordered[]) ?? [];
  const text = rawChildren
    .filter((child) => '#text' in child)
    .map((child) => String(child['#text']))
    .join('');
  const children = rawChildren.map(toNode).filter((n): n is SvgNode => n !== null);
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw[':@'] ?? {})) attrs[key.replace(/^@_/, '')] = String(value);
  return { name, attrs, text, children };
}

/** Validates with XMLValidator (throws with its message when invalid) and returns the root element. */
export function parseSvg(svg: string): SvgNode {
  const validation = XMLValidator.validate(svg);
  if (validation !== true) throw new Error(`invalid XML: ${JSON.stringify(validation.err)}`);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
  });
  const roots = (parser.parse(svg) as Ordered[]).map(toNode).filter((n): n is SvgNode => n !== null);
  const root = roots[0];
  if (root === undefined) throw new Error('no root element');
  return root;
}

export function descendants(node: SvgNode): SvgNode[] {
  return node.children.flatMap((child) => [child, ...descendants(child)]);
}

/** Elements whose class list contains `className`. */
export function byClass(root: SvgNode, className: string): SvgNode[] {
  return descendants(root).filter((n) => (n.attrs.class ?? '').split(/\s+/).includes(className));
}

/** All text in an element and its descendants. */
export function allText(node: SvgNode): string {
  return [node.text, ...node.children.map(allText)].join('');
}

export function num(node: SvgNode, attr: string): number {
  const value = node.attrs[attr];
  if (value === undefined) throw new Error(`<${node.name}> has no ${attr}`);
  return Number(value);
}

export interface Box {
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
}

/** Bounding box of a mark: a <circle> from cx, cy, r; a <path> of M/L/Z commands from its coordinate pairs. */
export function markBox(node: SvgNode): Box {
  if (node.name === 'circle') {
    const cx = num(node, 'cx');
    const cy = num(node, 'cy');
    const r = num(node, 'r');
    return { minX: cx - r, maxX: cx + r, minY: cy - r, maxY: cy + r };
  }
  if (node.name === 'path') {
    const d = node.attrs.d ?? '';
    if (/[^MLZ\d\s.,-]/.test(d)) throw new Error(`path uses commands this helper does not read: ${d}`);
    const numbers = (d.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
    const xs = numbers.filter((_, i) => i % 2 === 0);
    const ys = numbers.filter((_, i) => i % 2 === 1);
    return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  }
  throw new Error(`<${node.name}> is not a point mark`);
}

export function centre(box: Box): { x: number; y: number } {
  return { x: (box.minX + box.maxX) / 2, y: (box.minY + box.maxY) / 2 };
}

/** The plot-area rectangle the chart declares. */
export function plotArea(root: SvgNode): Box {
  const [rect] = byClass(root, 'plot-area');
  if (rect === undefined) throw new Error('no plot-area rect');
  const x = num(rect, 'x');
  const y = num(rect, 'y');
  return { minX: x, maxX: x + num(rect, 'width'), minY: y, maxY: y + num(rect, 'height') };
}
