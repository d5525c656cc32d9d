// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';
import type { WindowReport } from './forward-pass.js';
import type { TrackFrameResult } from './track-result.js';

/** Evaluation-time query padding (spec §12.3, `TapVidDataset.padding_points`). */
export interface QueryPadding {
  /** Point count after padding (800 in the released evaluation). */
  readonly total: number;
  /**
   * `[N, 2]` (x, y) pixel positions of the real points at frame 0 (flat). evaluate.py uses the
   * ground-truth tracks at frame 0; defaults to the query positions.
   */
  readonly framePositions?: ArrayLike<number>;
  /**
   * Query frame of every padding point. Defaults to each point's random restart frame (the
   * 'first' protocol); the strided protocol passes the group's query frame.
   */
  readonly queryFrame?: number;
}

/** Progress of {@link Tracker.track}. */
export interface TrackProgress {
  /** `'forward'`, or `'backward'` (the time-reversed pass of bidirectional tracking). */
  readonly pass: 'forward' | 'backward';
  readonly framesEncoded: number;
  readonly windowsDecoded: number;
  readonly windowsSkipped: number;
  /** T when known. */
  readonly frameCount: number | undefined;
}

/** Options of {@link Tracker.track} (and defaults of {@link createTracker}). */
export interface TrackOptions {
  /** Also track backward from each query frame on the time-reversed video and fuse (the official strided protocol). Defaults to false. */
  readonly bidirectional?: boolean;
  /** Pad the queries with static points as the official evaluation does (a count or {@link QueryPadding}). Defaults to 0 (none). */
  readonly padQueries?: number | QueryPadding;
  /** Visible iff sigmoid(visibility logit) > threshold. Defaults to 0.5. */
  readonly threshold?: number;
  /**
   * T for a streamed video (an iterable): selects the official content-padding rule of long videos
   * (T >= 48) while streaming. Without it a stream gets the content copied after every window (the
   * official rule for T <= 47). Ignored for tensors and arrays.
   */
  readonly frameCount?: number;
  /** Called after every encoded frame and every window. */
  readonly onProgress?: (progress: TrackProgress) => void;
  /**
   * Called with each frame's result (the caller's points, never padding) as soon as no later window
   * can change it, in frame order: the frames a run stopped by `signal` had finished. Forward
   * tracking only: with `bidirectional` a frame is final only after both passes, and this is not called.
   */
  readonly onFrame?: (frame: TrackFrameResult) => void;
  /** Called after every window with its inputs and the state it leaves (inspection, parity tests). */
  readonly onWindow?: (report: WindowReport, pass: 'forward' | 'backward') => void;
  /** Cancels the run (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** Defaults of the tracking options. */
export const DEFAULT_TRACK_OPTIONS: Readonly<{ bidirectional: boolean; padQueries: number; threshold: number }> = Object.freeze({
  bidirectional: false,
  padQueries: 0,
  threshold: 0.5,
});

/** @internal */
export interface ResolvedTrackOptions {
  readonly bidirectional: boolean;
  readonly padding: QueryPadding | undefined;
  readonly threshold: number;
  readonly frameCount: number | undefined;
}

/** Validates track options. @internal */
export function resolveTrackOptions(fn: string, options: TrackOptions): ResolvedTrackOptions {
  if (options === null || typeof options !== 'object') throw invalidArgument('type', fn, 'options', 'an object', describeValue(options));
  const bidirectional = options.bidirectional ?? DEFAULT_TRACK_OPTIONS.bidirectional;
  if (typeof bidirectional !== 'boolean') throw invalidArgument('type', fn, 'options.bidirectional', 'a boolean', describeValue(bidirectional));
  const threshold = options.threshold ?? DEFAULT_TRACK_OPTIONS.threshold;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1))
    throw invalidArgument('range', fn, 'options.threshold', 'a number in (0, 1)', describeValue(threshold));
  const frameCount = options.frameCount;
  if (frameCount !== undefined && (!Number.isInteger(frameCount) || frameCount < 1))
    throw invalidArgument('range', fn, 'options.frameCount', 'a positive integer', describeValue(frameCount));
  const pad = options.padQueries ?? DEFAULT_TRACK_OPTIONS.padQueries;
  let padding: QueryPadding | undefined;
  if (typeof pad === 'number') {
    if (!Number.isInteger(pad) || pad < 0)
      throw invalidArgument('range', fn, 'options.padQueries', 'a non-negative integer or {total, framePositions?, queryFrame?}', describeValue(pad));
    padding = pad > 0 ? { total: pad } : undefined;
  } else if (pad !== null && typeof pad === 'object' && Number.isInteger(pad.total) && pad.total >= 0) {
    if (pad.queryFrame !== undefined && (!Number.isInteger(pad.queryFrame) || pad.queryFrame < 0)) {
      throw invalidArgument('range', fn, 'options.padQueries.queryFrame', 'a non-negative integer frame', describeValue(pad.queryFrame));
    }
    padding = pad.total > 0 ? pad : undefined;
  } else {
    throw invalidArgument('range', fn, 'options.padQueries', 'a non-negative integer or {total, framePositions?, queryFrame?}', describeValue(pad));
  }
  return { bidirectional, padding, threshold, frameCount };
}
