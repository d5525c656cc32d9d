// SPDX-License-Identifier: Apache-2.0

/**
 * The 13 TAP-Vid metrics, in tapnet's order (`metric_order` of the fixtures), camelCase.
 * Values are fractions in [0, 1]; papers report them x 100 (AJ = averageJaccard,
 * <δ^x_avg = averagePtsWithinThresh, OA = occlusionAccuracy).
 */
export const METRIC_NAMES = Object.freeze([
  'occlusionAccuracy',
  'ptsWithin1',
  'ptsWithin2',
  'ptsWithin4',
  'ptsWithin8',
  'ptsWithin16',
  'jaccard1',
  'jaccard2',
  'jaccard4',
  'jaccard8',
  'jaccard16',
  'averageJaccard',
  'averagePtsWithinThresh',
] as const);

/** One of {@link METRIC_NAMES}. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** tapnet's snake_case name of each metric (the keys of `compute_tapvid_metrics`'s dict). */
export const TAPNET_METRIC_KEYS: Readonly<Record<MetricName, string>> = Object.freeze({
  occlusionAccuracy: 'occlusion_accuracy',
  ptsWithin1: 'pts_within_1',
  ptsWithin2: 'pts_within_2',
  ptsWithin4: 'pts_within_4',
  ptsWithin8: 'pts_within_8',
  ptsWithin16: 'pts_within_16',
  jaccard1: 'jaccard_1',
  jaccard2: 'jaccard_2',
  jaccard4: 'jaccard_4',
  jaccard8: 'jaccard_8',
  jaccard16: 'jaccard_16',
  averageJaccard: 'average_jaccard',
  averagePtsWithinThresh: 'average_pts_within_thresh',
});

/** Pixel thresholds of the position metrics (at 256x256). */
export const DISTANCE_THRESHOLDS = Object.freeze([1, 2, 4, 8, 16] as const);

/** Scalar value of every metric, e.g. a dataset mean from {@link aggregateMetrics}. */
export type MetricValues = Record<MetricName, number>;

/**
 * Renames camelCase metric keys to tapnet's snake_case keys (`occlusion_accuracy`, ...), for JSON
 * output comparable with tapnet/CoTracker logs. Works on per-video arrays and on scalar means.
 */
export function toTapnetKeys<V>(metrics: Readonly<Record<MetricName, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const name of METRIC_NAMES) out[TAPNET_METRIC_KEYS[name]] = metrics[name];
  return out;
}
