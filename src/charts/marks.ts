import type { MarkShape } from './palette.js';
import { el, type Markup, pathData, textEl } from './svg.js';

/**
 * Point marks of roughly equal visual weight: `radius` is the circle's radius, and the other shapes are scaled so
 * their area is close to that circle's, so no series looks more important because of its shape.
 */
function shapePath(shape: Exclude<MarkShape, 'circle'>, cx: number, cy: number, radius: number): string {
  switch (shape) {
    case 'square': {
      const h = radius * 0.886; // half-side of the square with the circle's area: sqrt(pi) / 2
      return pathData([
        'M',
        cx - h,
        cy - h,
        'L',
        cx + h,
        cy - h,
        'L',
        cx + h,
        cy + h,
        'L',
        cx - h,
        cy + h,
        'Z',
      ]);
    }
    case 'diamond': {
      const h = radius * 1.253; // half-diagonal of the equal-area square: sqrt(pi / 2)
      return pathData(['M', cx, cy - h, 'L', cx + h, cy, 'L', cx, cy + h, 'L', cx - h, cy, 'Z']);
    }
    case 'triangle':
    case 'triangleDown': {
      // Equilateral triangle of the circle's area has circumradius 1.555 r; centred on its centroid.
      const R = radius * 1.555;
      const sign = shape === 'triangle' ? 1 : -1;
      const dx = R * Math.sqrt(3) * 0.5;
      return pathData([
        'M',
        cx,
        cy - sign * R,
        'L',
        cx + dx,
        cy + sign * R * 0.5,
        'L',
        cx - dx,
        cy + sign * R * 0.5,
        'Z',
      ]);
    }
    case 'star': {
      const parts: (string | number)[] = [];
      for (let i = 0; i < 10; i += 1) {
        const r = i % 2 === 0 ? radius * 1.6 : radius * 0.7;
        const angle = -Math.PI / 2 + (i * Math.PI) / 5;
        parts.push(i === 0 ? 'M' : 'L', cx + r * Math.cos(angle), cy + r * Math.sin(angle));
      }
      parts.push('Z');
      return pathData(parts);
    }
  }
}

export interface PointMarkOptions {
  readonly shape: MarkShape;
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
  readonly fill: string;
  readonly stroke: string;
  readonly strokeWidth: number;
  readonly className: string;
  /** Tooltip shown on hover (an SVG <title> child). */
  readonly tooltip: string;
}

/** One data mark with its tooltip: a <circle> for circles, an absolute-coordinate <path> for the other shapes. */
export function pointMark(options: PointMarkOptions): Markup {
  const { shape, cx, cy, radius, fill, stroke, strokeWidth, className, tooltip } = options;
  const paint = { class: className, fill, stroke, 'stroke-width': strokeWidth };
  const title = [textEl('title', {}, tooltip)];
  if (shape === 'circle') return el('circle', { ...paint, cx, cy, r: radius }, title);
  return el('path', { ...paint, d: shapePath(shape, cx, cy, radius) }, title);
}

/** One series' mark maker: its colour and shape, outlined in white so that touching marks stay apart. */
export function seriesMark(shape: MarkShape, colour: string, radius: number) {
  return (cx: number, cy: number, className: string, tooltip: string): Markup =>
    pointMark({ shape, cx, cy, radius, fill: colour, stroke: '#ffffff', strokeWidth: 1, className, tooltip });
}
