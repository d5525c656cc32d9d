// SPDX-License-Identifier: Apache-2.0
// Every metric case of the fixture manifest, compared bit for bit with tapnet's output.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readTapvidManifest, tapvidMetricsDir } from '@taptr/fixtures';
import { compareExact, loadJson, loadNpy } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  aggregateMetrics,
  computeTapvidMetrics,
  METRIC_NAMES,
  roundHalfToEven,
  TAPNET_METRIC_KEYS,
  toTapnetKeys,
  type QueryMode,
  type TapvidMetrics,
} from '../src/index.js';

const FIXTURES = tapvidMetricsDir();
const manifest = readTapvidManifest(FIXTURES);

interface CaseJson {
  readonly query_mode: QueryMode;
  readonly shapes: Record<string, number[]>;
}

function runCase(name: string, trackwise = false): TapvidMetrics {
  const dir = join(FIXTURES, 'cases', name);
  const meta = loadJson<CaseJson>(dir, 'expected.json');
  return computeTapvidMetrics({
    queryPoints: loadNpy(dir, 'query_points.npy'),
    gtOccluded: loadNpy(dir, 'gt_occluded.npy'),
    gtTracks: loadNpy(dir, 'gt_tracks.npy'),
    predOccluded: loadNpy(dir, 'pred_occluded.npy'),
    predTracks: loadNpy(dir, 'pred_tracks.npy'),
    queryMode: meta.query_mode,
    trackwise,
  });
}

/** Compares metrics with an expected `[13, ...]` array whose rows follow `metric_order`. */
function expectExact(actual: TapvidMetrics, expectedPath: string[]): void {
  const expected = loadNpy(...expectedPath);
  const perRow = expected.dims.slice(1).reduce((a, b) => a * b, 1);
  expect(actual.dims).toEqual(expected.dims.slice(1));
  const tapnet = toTapnetKeys(actual);
  manifest.metric_order.forEach((key, row) => {
    const slice = (expected.data as Float64Array).subarray(row * perRow, (row + 1) * perRow);
    const report = compareExact(tapnet[key]!, slice);
    expect(report.ok, `${key}: ${report.message}`).toBe(true);
  });
}

describe('computeTapvidMetrics on the fixture cases (exact)', () => {
  it('uses the fixture metric order', () => {
    expect(manifest.metric_order).toEqual(METRIC_NAMES.map((name) => TAPNET_METRIC_KEYS[name]));
  });

  for (const name of manifest.cases) {
    it(`case ${name}`, () => {
      expectExact(runCase(name), [FIXTURES, 'cases', name, 'expected_metrics.npy']);
    });
  }

  for (const name of manifest.cases.filter((c) => existsSync(join(FIXTURES, 'cases', c, 'expected_trackwise_metrics.npy')))) {
    it(`case ${name} (trackwise)`, () => {
      expectExact(runCase(name, true), [FIXTURES, 'cases', name, 'expected_trackwise_metrics.npy']);
    });
  }

  for (const name of manifest.cases.filter((c) => existsSync(join(FIXTURES, 'cases', c, 'rounded_query_frame.npy')))) {
    it(`case ${name}: query frames round half to even`, () => {
      const query = loadNpy(FIXTURES, 'cases', name, 'query_points.npy');
      const expected = loadNpy(FIXTURES, 'cases', name, 'rounded_query_frame.npy');
      const q = (query.data as Float64Array).filter((_, i) => i % 3 === 0);
      expect(Array.from(q, roundHalfToEven)).toEqual(Array.from(expected.data as Int32Array));
    });
  }

  manifest.aggregates.forEach((aggregate, index) => {
    it(`aggregate ${index}: mean of ${aggregate.cases.join(', ')}`, () => {
      const mean = toTapnetKeys(aggregateMetrics(aggregate.cases.map((name) => runCase(name))));
      for (const key of manifest.metric_order) {
        const expected = aggregate.mean[key];
        if (expected === null || expected === undefined) expect(mean[key], key).toBeNaN();
        else expect(mean[key], key).toBe(expected);
      }
    });
  });
});
