// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';
import type { MetricName, MetricValues } from '../metrics/metric-names.js';

/** One row of {@link formatMetricsTable}: a label (dataset, video, method) and its metrics. */
export interface MetricsRow {
  readonly name: string;
  /** Scalar metrics (fractions in [0, 1]), e.g. from {@link aggregateMetrics}. */
  readonly metrics: Readonly<Partial<MetricValues>>;
}

/** Options of {@link formatMetricsTable}. */
export interface MetricsTableOptions {
  /** Decimals of the percentages. Defaults to 1. */
  readonly digits?: number;
  /** Also list the five Jaccard columns. Defaults to false. */
  readonly jaccard?: boolean;
}

const MAIN: readonly [MetricName, string][] = [
  ['averageJaccard', 'AJ'],
  ['averagePtsWithinThresh', '<δ^x_avg'],
  ['occlusionAccuracy', 'OA'],
  ['ptsWithin1', '<δ^1'],
  ['ptsWithin2', '<δ^2'],
  ['ptsWithin4', '<δ^4'],
  ['ptsWithin8', '<δ^8'],
  ['ptsWithin16', '<δ^16'],
];
const JACCARD: readonly [MetricName, string][] = [
  ['jaccard1', 'J^1'],
  ['jaccard2', 'J^2'],
  ['jaccard4', 'J^4'],
  ['jaccard8', 'J^8'],
  ['jaccard16', 'J^16'],
];

/**
 * Formats metrics as a Markdown table (also readable as plain text): one row per entry, values as
 * percentages, columns AJ, <δ^x_avg, OA first (as in the TAP-Vid papers), then <δ^1..<δ^16
 * (and the Jaccards with `jaccard: true`). NaN or missing values print as `-`.
 */
export function formatMetricsTable(rows: readonly MetricsRow[], options: MetricsTableOptions = {}): string {
  const isArray: boolean = Array.isArray(rows); // a boolean, not a guard: Array.isArray narrows a readonly array to any[]
  if (!isArray) throw invalidArgument('type', 'formatMetricsTable', 'rows', 'an array of { name, metrics }', typeof rows);
  const digits = options.digits ?? 1;
  if (!Number.isInteger(digits) || digits < 0 || digits > 15)
    throw invalidArgument('range', 'formatMetricsTable', 'options.digits', 'an integer in [0, 15]', String(digits));
  const columns = options.jaccard === true ? [...MAIN, ...JACCARD] : MAIN;
  const header = ['', ...columns.map(([, label]) => label)];
  const body = rows.map((row, i) => {
    if (row === null || typeof row !== 'object' || typeof row.name !== 'string') {
      throw invalidArgument('type', 'formatMetricsTable', `rows[${i}]`, 'an object { name: string, metrics }', describeValue(row));
    }
    return [
      row.name,
      ...columns.map(([key]) => {
        const v = row.metrics?.[key];
        return typeof v === 'number' && Number.isFinite(v) ? (v * 100).toFixed(digits) : '-';
      }),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
