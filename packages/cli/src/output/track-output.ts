// SPDX-License-Identifier: Apache-2.0
import type { TracksFileInput, TracksFileVideo, TrackingMode } from '@taptr/tracker';
import type { QueryPoint } from '../queries/query-set.js';

/** What `taptr track` writes: the user's queries (never padding points) and their tracks. */
export interface TrackOutput {
  /** The video in its file's pixels; `source` says which of its frames were tracked when not all. */
  readonly video: TracksFileVideo;
  readonly queries: readonly QueryPoint[];
  /**
   * How the points were tracked (defaults to `'forward'`): in forward mode the frames before a
   * point's query frame have no position (docs/coordinates.md).
   */
  readonly mode?: TrackingMode;
  /** `[N, T, 2]` (x, y) in video pixels, point-major: the tracker's output, unchanged. */
  readonly tracks: ArrayLike<number>;
  /** `[N, T]`, non-zero = visible. */
  readonly visible: ArrayLike<number | boolean>;
  /** Backend that ran the model, e.g. `cpu`. */
  readonly backend: string;
  /** Model description (directory or checkpoint, configuration summary). */
  readonly model: Readonly<Record<string, unknown>>;
  /** Wall-clock times in milliseconds, by stage. */
  readonly timings: Readonly<Record<string, number>>;
}

/** The tracks-file input of a {@link TrackOutput} (mode filled in). */
export function tracksFileInput(output: TrackOutput): TracksFileInput {
  return { ...output, mode: output.mode ?? 'forward' };
}
