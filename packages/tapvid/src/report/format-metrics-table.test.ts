// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { formatMetricsTable } from './format-metrics-table.js';

describe('formatMetricsTable', () => {
  it('prints percentages with AJ, <δ^x_avg and OA first', () => {
    const table = formatMetricsTable([
      { name: 'davis', metrics: { averageJaccard: 0.63, averagePtsWithinThresh: 0.761, occlusionAccuracy: 0.911, ptsWithin1: 0.5, ptsWithin16: Number.NaN } },
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\|\s+\|\s+AJ \| <δ\^x_avg \|\s+OA \|\s+<δ\^1 \|/);
    expect(lines[1]).toMatch(/^\|-+\|-+:\|/);
    expect(lines[2]).toMatch(/^\| davis \|\s+63\.0 \|\s+76\.1 \|\s+91\.1 \|\s+50\.0 \|/);
    expect(lines[2]!.trimEnd().endsWith('- |')).toBe(true);
  });

  it('adds Jaccard columns and digits on request', () => {
    const table = formatMetricsTable([{ name: 'x', metrics: { jaccard16: 0.12345 } }], { jaccard: true, digits: 2 });
    expect(table).toMatch(/J\^16 \|\n/);
    expect(table).toMatch(/12\.35 \|$/);
    expect(() => formatMetricsTable([{ name: 1 } as never])).toThrow(TypeError);
  });
});
