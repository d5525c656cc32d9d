// SPDX-License-Identifier: Apache-2.0
import type { VideoSource } from '@taptr/video';
import type { QueryPoint } from '../queries/query-set.js';
import type { TrackingEngine, TrackResult } from './tracking-engine.js';

/**
 * Tracks every point at the same frame count and position: the zero-motion TAP-Vid baseline
 * (each point stays at its query position, always visible).
 * @param frames - T.
 * @returns tracks `[N, T, 2]`, visible `[N, T]` (all 1).
 */
export function stationaryTracks(queries: readonly QueryPoint[], frames: number): TrackResult {
  const tracks = new Float64Array(queries.length * frames * 2);
  queries.forEach((q, i) => {
    for (let t = 0; t < frames; t++) {
      tracks[(i * frames + t) * 2] = q.x;
      tracks[(i * frames + t) * 2 + 1] = q.y;
    }
  });
  return { frames, tracks, visible: new Uint8Array(queries.length * frames).fill(1) };
}

/** A {@link TrackingEngine} that runs the zero-motion baseline (no model needed). */
export function createStationaryEngine(): TrackingEngine {
  return {
    backend: 'baseline',
    model: { name: 'stationary', description: 'zero-motion baseline: every point stays at its query position, always visible' },
    async track(video: VideoSource, queries: readonly QueryPoint[]) {
      let frames = 0;
      for await (const frame of video.frames()) if (frame.length > 0) frames++;
      return stationaryTracks(queries, frames);
    },
    async dispose() {},
  };
}
