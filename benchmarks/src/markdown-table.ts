// SPDX-License-Identifier: Apache-2.0

/** A table cell: numbers print as given (format them first), `undefined`/`null` as `-`. */
export type Cell = string | number | null | undefined;

const cellText = (c: Cell): string => (c === undefined || c === null || c === '' ? '-' : String(c).replace(/\|/g, '\\|').replace(/\n/g, ' '));

/** Columns a cell takes: its code points (`²`, `δ` are one column each; the tables hold no combining marks). */
// eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are the intended unit here
const columns = (s: string): number => [...s].length;

/**
 * A GitHub-flavoured markdown table with padded columns (readable as plain text too). Columns whose
 * header starts with `<` are left-aligned, the others right-aligned unless `align` says otherwise.
 * @param header - column titles.
 * @param rows - one array of cells per row (missing cells print as `-`).
 * @param align - per column `'l'` or `'r'`; defaults to left for the first column, right for the rest.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[], align?: readonly ('l' | 'r')[]): string {
  const cells = rows.map((r) => header.map((_, i) => cellText(r[i])));
  const heads = header.map((h) => cellText(h));
  const widths = heads.map((h, i) => Math.max(3, columns(h), ...cells.map((r) => columns(r[i]!))));
  const side = header.map((_, i) => align?.[i] ?? (i === 0 ? 'l' : 'r'));
  const pad = (s: string, i: number): string => {
    const fill = ' '.repeat(widths[i]! - columns(s));
    return side[i] === 'l' ? s + fill : fill + s;
  };
  const line = (r: readonly string[]): string => `| ${r.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (side[i] === 'l' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(heads), rule, ...cells.map(line)].join('\n');
}

/** `v` with `digits` decimals, `-` when not a finite number. */
export function fixed(v: number | null | undefined, digits = 1): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '-';
}

/** A fraction as a percentage with one decimal (`0.4567` -> `45.7`), `-` when not a finite number. */
export function percent(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? (v * 100).toFixed(1) : '-';
}

/** Milliseconds with a precision that suits their size: `0.42`, `12.3`, `1234`. */
export function ms(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return a < 10 ? v.toFixed(2) : a < 1000 ? v.toFixed(1) : v.toFixed(0);
}
