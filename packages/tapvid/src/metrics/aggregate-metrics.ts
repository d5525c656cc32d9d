// SPDX-License-Identifier: Apache-2.0
import { invalidArgument } from '@taptr/tensor';
import type { TapvidMetrics } from './compute-tapvid-metrics.js';
import { METRIC_NAMES, type MetricValues } from './metric-names.js';

/**
 * Dataset-level TAP-Vid metrics: the plain mean over every video of every per-video result in
 * `results` (each `[B]`), summed in order and divided by the number of videos, as tapnet and
 * CoTracker do. Every video weighs the same; a NaN in any video makes that metric NaN.
 * @throws RangeError for an empty list or trackwise (`[B, N]`) results.
 */
export function aggregateMetrics(results: readonly TapvidMetrics[]): MetricValues {
  const isArray: boolean = Array.isArray(results); // a boolean, not a guard: Array.isArray narrows a readonly array to any[]
  if (!isArray || results.length === 0) {
    throw invalidArgument('range', 'aggregateMetrics', 'results', 'a non-empty array of per-video metrics', isArray ? 'an empty array' : typeof results);
  }
  const sums = Object.fromEntries(METRIC_NAMES.map((name) => [name, 0])) as MetricValues;
  let videos = 0;
  results.forEach((result, i) => {
    if (result?.dims?.length !== 1) {
      throw invalidArgument(
        'range',
        'aggregateMetrics',
        `results[${i}]`,
        'per-video metrics of shape [B]',
        result?.dims ? `shape [${result.dims.join(', ')}]` : typeof result,
      );
    }
    const B = result.dims[0]!;
    for (let b = 0; b < B; b++) for (const name of METRIC_NAMES) sums[name] += result[name][b]!;
    videos += B;
  });
  if (videos === 0) throw invalidArgument('range', 'aggregateMetrics', 'results', 'at least one video', '0 videos');
  for (const name of METRIC_NAMES) sums[name] /= videos;
  return sums;
}
