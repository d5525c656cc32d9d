// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';
import type { OnlineFrameResult, QueryPadding, QueryPoint, TrackFrameResult, TrackProgress, TrackResult } from '@taptr/tracker';
import type { VideoSource } from '@taptr/video';

/** Options of {@link TrackingEngine.track}: the tracker's `TrackOptions` the CLI uses. */
export interface TrackRequestOptions {
  /** Track backward from each query frame too, fused as in the official strided protocol. */
  readonly bidirectional?: boolean;
  /** Pad the queries with random static points as the official evaluation does (0 = none; the tracker's `padQueries`). */
  readonly padQueries?: number | QueryPadding;
  /** The tracker's progress; `frameCount` is the video's frame count when the engine knows it. */
  readonly onProgress?: (progress: TrackProgress) => void;
  /** Cancels the run: `track` rejects with the signal's reason (a queue worker told to abort, Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Called with each frame once it is final (forward tracking only; frame order): what a stopped run had finished. */
  readonly onFrame?: (frame: Pick<TrackFrameResult, 'frame' | 'tracks' | 'visible'>) => void;
}

/**
 * What {@link TrackingEngine.track} returns: the tracker's `TrackResult` (the model's engine returns it
 * as it is), of the caller's queries only. A baseline has no logits and may give float64 tracks (the
 * zero-motion baseline keeps the queries' float64 positions, so its scores are exactly the metric's).
 */
export type EngineTrackResult = Omit<TrackResult, 'tracks' | 'logits'> & {
  /** `[N, T, 2]` (x, y) in video pixels. */
  readonly tracks: TensorView<'float32' | 'float64'>;
  readonly logits?: TrackResult['logits'];
};

/** What the CLI commands track with: the TAPTR tracker, or a baseline. */
export interface TrackingEngine {
  /** Backend name for reports (`cpu`, `wasm`, `webgpu`, `baseline`). */
  readonly backend: string;
  /** Model description written into outputs. */
  readonly model: Readonly<Record<string, unknown>>;
  track(video: VideoSource, queries: readonly QueryPoint[], options?: TrackRequestOptions): Promise<EngineTrackResult>;
  /** Starts an online run: frames pushed one at a time, each frame's result yielded once it is final (absent: the engine cannot). */
  online?(options: OnlineRequestOptions): OnlineTracking;
  dispose(): Promise<void>;
}

/** Options of {@link TrackingEngine.online}. */
interface OnlineRequestOptions {
  /** Frame size of every pushed frame. */
  readonly width: number;
  readonly height: number;
  /** T when the stream's length is known (the official long-video rule, as the offline run). */
  readonly frameCount?: number;
  /** Cancels the run: pending and later calls reject with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * One frame's final result in an online run, the points present at that frame: the tracker's
 * `OnlineFrameResult` (the model's engine yields it as it is); a baseline has no logits and may give
 * float64 positions.
 */
export type OnlineFrame = Pick<OnlineFrameResult, 'frame' | 'ids'> & {
  /** `[n, 2]` (x, y) in video pixels. */
  readonly tracks: ArrayLike<number>;
  /** `[n]` 1 = visible. */
  readonly visible: ArrayLike<number>;
};

/** An online run ({@link TrackingEngine.online}): iterate it for each frame's final result, in frame order. */
export interface OnlineTracking extends AsyncIterable<OnlineFrame> {
  /** Most frames a result waits: frame t's is out once frame `t + latency` is pushed (the last ones at `end`). */
  readonly latency: number;
  /** Adds points `(t, x, y)` (t may be a frame not pushed yet); returns their ids. */
  addPoints(points: readonly QueryPoint[]): Promise<number[]>;
  /** Processes the next frame, `[H, W, 3]` uint8. */
  push(frame: Uint8Array): Promise<void>;
  /** Ends the stream: the remaining results are yielded, then iteration finishes. */
  end(): Promise<void>;
}
