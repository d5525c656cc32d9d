// SPDX-License-Identifier: Apache-2.0
export { aggregateMetrics } from './metrics/aggregate-metrics.js';
export { computeTapvidMetrics } from './metrics/compute-tapvid-metrics.js';
export type { QueryMode, TapvidMetrics, TapvidMetricsInput } from './metrics/compute-tapvid-metrics.js';
export { DISTANCE_THRESHOLDS, METRIC_NAMES, TAPNET_METRIC_KEYS, toTapnetKeys } from './metrics/metric-names.js';
export type { MetricName, MetricValues } from './metrics/metric-names.js';
export { roundHalfToEven } from './metrics/round-half-to-even.js';
export type { QuerySet } from './sampling/query-set.js';
export { sampleQueriesFirst } from './sampling/sample-queries-first.js';
export { sampleQueriesStrided } from './sampling/sample-queries-strided.js';
export type { StridedSamplingOptions } from './sampling/sample-queries-strided.js';
export { scalePoints } from './sampling/scale-points.js';
export type { PointScale } from './sampling/scale-points.js';
export { predictStationary } from './baseline/predict-stationary.js';
export type { TrackPrediction } from './baseline/predict-stationary.js';
export { formatMetricsTable } from './report/format-metrics-table.js';
export type { MetricsRow, MetricsTableOptions } from './report/format-metrics-table.js';
