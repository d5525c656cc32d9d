// SPDX-License-Identifier: Apache-2.0
import { computeTapvidMetrics, type PointScale, type QueryMode, sampleQueriesFirst, sampleQueriesStrided, scalePoints, type TapvidMetrics } from '@taptr/tapvid';
import { tensor, type TensorView } from '@taptr/tensor';
import type { TrackingEngine } from '../engine/tracking-engine.js';
import type { QueryPoint } from '../queries/query-set.js';
import { videoFromTensor } from '../video/video-source.js';

/** One TAP-Vid video, as the dataset readers give it. */
export interface EvalVideo {
  readonly name: string;
  /** `[T, H, W, 3]` uint8 (already at the evaluation size). */
  readonly video: TensorView<'uint8'>;
  /** `[N, T, 2]` normalized (x, y) as stored in the dataset. */
  readonly points: TensorView;
  /** `[N, T]` bool, true = occluded. */
  readonly occluded: TensorView;
}

/** Options of {@link evaluateVideo}. */
export interface EvaluateVideoOptions {
  readonly mode: QueryMode;
  /** Normalized -> pixel scale (docs/coordinates.md). */
  readonly scale: PointScale;
  /** Pad the queries to this many points (official TAPTR protocol: 800; 0 = none). */
  readonly padQueries: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Result for one video. */
export interface VideoEvaluation {
  readonly name: string;
  readonly frames: number;
  readonly queries: number;
  /** Per-video metrics (`[1]` each). */
  readonly metrics: TapvidMetrics;
}

/**
 * Evaluates one video the TAP-Vid way: points scaled to the video's pixels with `scale`, queries
 * sampled with tapnet's 'first' or 'strided' sampler, tracked by `engine` (bidirectionally in
 * strided mode, as the official TAPTR protocol), then scored with `computeTapvidMetrics` in the
 * same mode. The metric thresholds are in pixels of the video as given (256x256 after the
 * standard resize).
 */
export async function evaluateVideo(engine: TrackingEngine, sample: EvalVideo, options: EvaluateVideoOptions): Promise<VideoEvaluation> {
  const [T, H, W] = sample.video.dims as [number, number, number, number];
  const pixels = scalePoints(sample.points, W, H, options.scale);
  const set = options.mode === 'first' ? sampleQueriesFirst(sample.occluded, pixels) : sampleQueriesStrided(sample.occluded, pixels);
  const Q = set.queryPoints.dims[1]!;
  const qp = set.queryPoints.data;
  const queries: QueryPoint[] = [];
  for (let q = 0; q < Q; q++) queries.push({ t: qp[q * 3]!, y: qp[q * 3 + 1]!, x: qp[q * 3 + 2]! });
  const result =
    Q === 0
      ? { frames: T, tracks: new Float32Array(0), visible: new Uint8Array(0) }
      : await engine.track(videoFromTensor(sample.video, sample.name), queries, {
          bidirectional: options.mode === 'strided',
          padQueries: options.padQueries,
          onProgress: (p) => options.onProgress?.(p.done, p.total),
        });
  const predTracks = tensor('float64', [1, Q, T, 2], Float64Array.from(result.tracks));
  const predOccluded = tensor('bool', [1, Q, T], result.visible.map((v) => (v ? 0 : 1)));
  const metrics = computeTapvidMetrics({
    queryPoints: set.queryPoints,
    gtOccluded: set.occluded,
    gtTracks: set.targetPoints,
    predOccluded,
    predTracks,
    queryMode: options.mode,
  });
  return { name: sample.name, frames: T, queries: Q, metrics };
}
