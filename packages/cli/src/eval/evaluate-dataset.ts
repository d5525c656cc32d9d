// SPDX-License-Identifier: Apache-2.0
import {
  aggregateMetrics,
  METRIC_NAMES,
  type MetricValues,
  type PointScale,
  type QueryMode,
  type TapvidDatasetKind,
  type TapvidMetrics,
  toTapnetKeys,
} from '@taptr/tapvid';
import { readTapvidDataset } from '@taptr/tapvid/node';
import type { TrackProgress } from '@taptr/tracker';
import type { TrackingEngine } from '../engine/tracking-engine.js';
import { evaluateVideo } from './evaluate-video.js';

/** Options of {@link evaluateDataset}. */
export interface EvaluateDatasetOptions {
  readonly mode: QueryMode;
  /** 256: frames resized to 256x256 (the standard); 'none': the video's own size (metric scale follows it). */
  readonly resize: 256 | 'none';
  readonly scale: PointScale;
  /** Dataset kind (see resolveDataset); recognised from the content when omitted. */
  readonly kind?: TapvidDatasetKind;
  /** Official TAPTR protocol: 800; 0 = no padding. */
  readonly padQueries: number;
  /** Stop after this many videos. */
  readonly maxVideos?: number;
  /** Called before each video with its index and name, and on tracking progress. */
  readonly onVideo?: (index: number, name: string) => void;
  readonly onProgress?: (progress: TrackProgress) => void;
}

/** One video's result in {@link DatasetEvaluation}. */
interface VideoResult {
  readonly name: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly queries: number;
  /** Scalar metrics (fractions in [0, 1]; NaN where tapnet gives NaN). */
  readonly metrics: MetricValues;
  readonly ms: number;
}

/** Result of {@link evaluateDataset}. */
export interface DatasetEvaluation {
  readonly videos: VideoResult[];
  /** Mean over videos (tapnet / CoTracker aggregation). */
  readonly mean: MetricValues;
}

/**
 * Evaluates `engine` on a TAP-Vid dataset file or folder, one video at a time (the dataset is
 * streamed; never held whole in memory).
 */
export async function evaluateDataset(engine: TrackingEngine, dataset: string, options: EvaluateDatasetOptions): Promise<DatasetEvaluation> {
  const videos: VideoMetrics[] = [];
  let index = 0;
  for await (const sample of readTapvidDataset(dataset, {
    resize: options.resize,
    queryMode: options.mode,
    scale: options.scale,
    ...(options.kind !== undefined ? { kind: options.kind } : {}),
  })) {
    if (options.maxVideos !== undefined && index >= options.maxVideos) break;
    options.onVideo?.(index, sample.name);
    const start = performance.now();
    const result = await evaluateVideo(engine, sample, {
      mode: options.mode,
      padQueries: options.padQueries,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const [T, H, W] = sample.video.dims as [number, number, number, number];
    videos.push({
      name: sample.name,
      frames: T,
      width: W,
      height: H,
      queries: result.queries,
      metrics: result.metrics,
      ms: Math.round(performance.now() - start),
    });
    index++;
  }
  return summarizeVideos(videos);
}

/** One video's raw result: {@link VideoResult} with the per-video metrics as computed (`[1]` each). */
export type VideoMetrics = Omit<VideoResult, 'metrics'> & { readonly metrics: TapvidMetrics };

/**
 * The per-video rows and the dataset mean of per-video results, in the given (dataset) order: the
 * one aggregation `taptr eval` reports, whether the videos ran in this process or on queue workers.
 */
export function summarizeVideos(results: readonly VideoMetrics[]): DatasetEvaluation {
  const videos = results.map((v) => ({ ...v, metrics: aggregateMetrics([v.metrics]) }));
  const mean =
    results.length > 0 ? aggregateMetrics(results.map((v) => v.metrics)) : (Object.fromEntries(METRIC_NAMES.map((n) => [n, Number.NaN])) as MetricValues);
  return { videos, mean };
}

/** Metrics with tapnet's snake_case keys and NaN written as null, for JSON files. */
export function metricsJson(metrics: MetricValues): Record<string, number | null> {
  const keyed = toTapnetKeys(metrics);
  return Object.fromEntries(Object.entries(keyed).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}
