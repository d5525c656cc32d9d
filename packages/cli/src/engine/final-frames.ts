// SPDX-License-Identifier: Apache-2.0
import type { TrackFrameResult } from '@taptr/tracker';

/** One frame's final result as the engine reports it (`TrackRequestOptions.onFrame`): the tracker's, without logits. */
type FinalFrame = Pick<TrackFrameResult, 'frame' | 'tracks' | 'visible'>;

/** The frames of a run that are final so far (what an interrupted run can still write). */
export interface FinalFrames {
  /** Pass as `onFrame` to the engine. */
  readonly onFrame: (frame: FinalFrame) => void;
  /** Frames 0..framesDone-1 are all final. */
  readonly framesDone: number;
  /**
   * `[N, T, 2]` tracks (NaN = no position) and `[N, T]` visibility over `frames` frames (at least
   * {@link FinalFrames.framesDone}): the final frames, nothing after them.
   */
  arrays(frames: number): { tracks: Float32Array; visible: Uint8Array };
}

/** Collects the final frames of a run over `points` points, in the layout the tracks writers take. */
export function collectFinalFrames(points: number): FinalFrames {
  const rows: FinalFrame[] = [];
  let framesDone = 0;
  return {
    onFrame(frame) {
      rows[frame.frame] = { frame: frame.frame, tracks: frame.tracks.slice(0, points * 2), visible: frame.visible.slice(0, points) };
      while (rows[framesDone] !== undefined) framesDone++;
    },
    get framesDone() {
      return framesDone;
    },
    arrays(frames) {
      const tracks = new Float32Array(points * frames * 2).fill(Number.NaN);
      const visible = new Uint8Array(points * frames);
      for (let t = 0; t < Math.min(framesDone, frames); t++) {
        const row = rows[t]!;
        for (let n = 0; n < points; n++) {
          tracks[(n * frames + t) * 2] = row.tracks[2 * n]!;
          tracks[(n * frames + t) * 2 + 1] = row.tracks[2 * n + 1]!;
          visible[n * frames + t] = row.visible[n]!;
        }
      }
      return { tracks, visible };
    },
  };
}
