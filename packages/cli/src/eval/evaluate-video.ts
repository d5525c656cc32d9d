// SPDX-License-Identifier: Apache-2.0
import { computeTapvidMetrics, type QueryMode, type TapvidMetrics, type TapvidVideo } from '@taptr/tapvid';
import { tensor } from '@taptr/tensor';
import { videoFromTensor } from '@taptr/video';
import type { QueryPoint, TrackProgress } from '@taptr/tracker';
import type { TrackingEngine } from '../engine/tracking-engine.js';

/** Options of {@link evaluateVideo}. */
export interface EvaluateVideoOptions {
  /** Must match the mode the video's queries were sampled with. */
  readonly mode: QueryMode;
  /** Pad the queries to this many points (official TAPTR protocol: 800; 0 = none). */
  readonly padQueries: number;
  readonly onProgress?: (progress: TrackProgress) => void;
  /** Cancels the evaluation (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
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
 * Evaluates one TAP-Vid video (queries already sampled, points already in pixels of the evaluated
 * size) with the official TAPTR protocol (taptr-spec §12):
 * - 'first': one tracking call for all queries, padded to `padQueries` points;
 * - 'strided': queries grouped by query frame, each group padded separately (padding points
 *   queried at the group's frame) and tracked bidirectionally, groups concatenated back in order.
 * The padding candidates start from each real track's ground-truth position at frame 0. Then
 * `computeTapvidMetrics` scores the predictions in the same mode.
 */
export async function evaluateVideo(engine: TrackingEngine, sample: TapvidVideo, options: EvaluateVideoOptions): Promise<VideoEvaluation> {
  const [T] = sample.video.dims as [number, number, number, number];
  const Q = sample.queryPoints.dims[1]!;
  const qp = sample.queryPoints.data;
  const gt = sample.targetPoints.data;
  const queries: QueryPoint[] = [];
  for (let q = 0; q < Q; q++) queries.push({ t: qp[q * 3]!, y: qp[q * 3 + 1]!, x: qp[q * 3 + 2]! });
  const groups = new Map<number, number[]>();
  if (options.mode === 'strided') {
    queries.forEach((p, i) => groups.set(p.t, [...(groups.get(p.t) ?? []), i]));
  } else if (Q > 0) {
    groups.set(
      -1,
      queries.map((_, i) => i),
    );
  }
  const video = videoFromTensor(sample.video, sample.name);
  const predTracks = tensor('float64', [1, Q, T, 2]);
  const predOccluded = tensor('bool', [1, Q, T]);
  for (const [frame, members] of groups) {
    const framePositions = new Float64Array(members.length * 2);
    members.forEach((q, i) => {
      framePositions[i * 2] = gt[q * T * 2]!;
      framePositions[i * 2 + 1] = gt[q * T * 2 + 1]!;
    });
    const padQueries = options.padQueries > members.length ? { total: options.padQueries, framePositions, ...(frame >= 0 ? { queryFrame: frame } : {}) } : 0;
    const result = await engine.track(
      video,
      members.map((q) => queries[q]!),
      {
        bidirectional: options.mode === 'strided',
        padQueries,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    members.forEach((q, i) => {
      predTracks.data.set(result.tracks.data.subarray(i * T * 2, (i + 1) * T * 2), q * T * 2);
      for (let t = 0; t < T; t++) predOccluded.data[q * T + t] = result.visible.data[i * T + t] ? 0 : 1;
    });
  }
  const metrics = computeTapvidMetrics({
    queryPoints: sample.queryPoints,
    gtOccluded: sample.targetOccluded,
    gtTracks: sample.targetPoints,
    predOccluded,
    predTracks,
    queryMode: options.mode,
  });
  return { name: sample.name, frames: T, queries: Q, metrics };
}
