// SPDX-License-Identifier: Apache-2.0
import type { VideoSource } from '@taptr/video';
import type { QueryPoint } from '../queries/query-set.js';

/** Progress of a tracking run. */
export interface TrackProgress {
  /** What is running, e.g. `encode` or `decode`. */
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}

/** Options of {@link TrackingEngine.track}. */
export interface TrackRequestOptions {
  /** Track backward from each query frame too, fused as in the official strided protocol. */
  readonly bidirectional?: boolean;
  /**
   * Pad the queries with random static points as the official evaluation does (0 = none): a point
   * count, or the count with the frame-0 positions of the real tracks and the padding points'
   * query frame (see `@taptr/tracker`'s `QueryPadding`).
   */
  readonly padQueries?: number | QueryPaddingSpec;
  readonly onProgress?: (progress: TrackProgress) => void;
  /** Cancels the run: `track` rejects with the signal's reason (a queue worker told to abort, Ctrl-C). */
  readonly signal?: AbortSignal;
  /**
   * Called with each frame once it is final (forward tracking only; frame order): `tracks` `[N, 2]`,
   * `visible` `[N]` for the caller's queries. What a stopped run had finished.
   */
  readonly onFrame?: (frame: { readonly frame: number; readonly tracks: Float32Array; readonly visible: Uint8Array }) => void;
}

/** Evaluation-time query padding (spec §12.3). */
export interface QueryPaddingSpec {
  /** Point count after padding (800 in the released evaluation). */
  readonly total: number;
  /** `[N, 2]` (x, y) of the real tracks at frame 0 (default: the query positions). */
  readonly framePositions?: ArrayLike<number>;
  /** Query frame of every padding point (strided groups); default: each point's random restart frame. */
  readonly queryFrame?: number;
}

/** Result of {@link TrackingEngine.track}: only the caller's queries, never padding points. */
export interface TrackResult {
  /** Frames T. */
  readonly frames: number;
  /** `[N, T, 2]` (x, y) in video pixels (float32 from the model; float64 from baselines). */
  readonly tracks: Float32Array | Float64Array;
  /** `[N, T]` 1 = visible. */
  readonly visible: Uint8Array;
}

/** What the CLI commands track with: the TAPTR tracker, or a baseline. */
export interface TrackingEngine {
  /** Backend name for reports (`cpu`, `wasm`, `webgpu`, `baseline`). */
  readonly backend: string;
  /** Model description written into outputs. */
  readonly model: Readonly<Record<string, unknown>>;
  track(video: VideoSource, queries: readonly QueryPoint[], options?: TrackRequestOptions): Promise<TrackResult>;
  /** Starts an online run: frames pushed one at a time, each frame's result yielded once it is final (absent: the engine cannot). */
  online?(options: OnlineRequestOptions): OnlineTracking;
  dispose(): Promise<void>;
}

/** Options of {@link TrackingEngine.online}. */
export interface OnlineRequestOptions {
  /** Frame size of every pushed frame. */
  readonly width: number;
  readonly height: number;
  /** T when the stream's length is known (the official long-video rule, as the offline run). */
  readonly frameCount?: number;
  /** Cancels the run: pending and later calls reject with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One frame's final result in an online run: the points present at that frame. */
export interface OnlineFrame {
  readonly frame: number;
  /** Ids (from {@link OnlineTracking.addPoints}) of the points, in row order. */
  readonly ids: readonly number[];
  /** `[n, 2]` (x, y) in video pixels. */
  readonly tracks: ArrayLike<number>;
  /** `[n]` 1 = visible. */
  readonly visible: ArrayLike<number>;
}

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
