import { describe, expect, it } from 'vitest';
import { el, escapeXml, formatNumber, pointsAttribute, svgDocument, textEl } from '../../src/charts/svg.js';
import { parseSvg } from './parseSvg.js';

describe('svg writer (oracle: XML 1.0 escaping rules, hand-written expectations)', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;',
    );
  });

  it('replaces characters XML cannot represent, and keeps astral characters whole', () => {
    expect(escapeXml('a\u0000b\u001Fc\tok')).toBe('a\uFFFDb\uFFFDc\tok');
    expect(escapeXml('lone \uD800 surrogate')).toBe('lone \uFFFD surrogate');
    expect(escapeXml('emoji 📈')).toBe('emoji 📈');
  });

  it('formats numbers with two decimals and no negative zero', () => {
    expect(formatNumber(1 / 3)).toBe('0.33');
    expect(formatNumber(-0.001)).toBe('0.00');
    expect(formatNumber(-2.5)).toBe('-2.50');
  });

  it('throws on non-finite coordinates instead of writing them', () => {
    expect(() => formatNumber(Number.NaN)).toThrow(RangeError);
    expect(() => el('circle', { cx: Number.POSITIVE_INFINITY })).toThrow(/attribute "cx"/);
    expect(() => pointsAttribute([[1, Number.NaN]])).toThrow(/polyline y/);
  });

  it('escapes attribute values and text, and self-closes empty elements', () => {
    expect(el('g', { 'data-name': 'a"b' })).toBe('<g data-name="a&quot;b"/>');
    expect(textEl('text', { x: 1 }, '1 < 2')).toBe('<text x="1.00">1 &lt; 2</text>');
  });

  it('builds a document an XML parser accepts, with namespace and viewBox', () => {
    const doc = svgDocument({ width: 100, height: 50, title: 'T & U', description: 'd', children: [] });
    const root = parseSvg(doc);
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.viewBox?.split(' ').map(Number)).toEqual([0, 0, 100, 50]);
  });
});
