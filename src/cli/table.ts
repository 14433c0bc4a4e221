/**
 * Plain-text layout for the CLI: aligned columns and label/value blocks. Two spaces between columns and no box drawing,
 * so the output reads in any terminal and splits cleanly with awk or cut.
 */

export type Align = 'left' | 'right';

/**
 * Rows under a header row and a rule, each column as wide as its widest cell (numbers are usually right-aligned),
 * every line indented by `indent` spaces.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
  indent = 0,
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    ' '.repeat(indent) +
    widths
      .map((width, column) => {
        const cell = cells[column] ?? '';
        return align[column] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** "Label   value" lines with the values aligned, indented by `indent` spaces. */
export function renderPairs(pairs: readonly (readonly [string, string])[], indent = 2): string {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${' '.repeat(indent)}${label.padEnd(width)}  ${value}`).join('\n');
}

/** A section: a title line, then its body. */
export function section(title: string, body: string): string {
  return `${title}\n${body}`;
}
