// SPDX-License-Identifier: Apache-2.0
import type { VideoSource } from '@taptr/video';
import { tensor } from '@taptr/tensor';
import type { QueryPoint } from '@taptr/tracker';
import type { EngineTrackResult, OnlineFrame, OnlineTracking, TrackingEngine } from './tracking-engine.js';

/**
 * Tracks every point at the same frame count and position: the zero-motion TAP-Vid baseline
 * (each point stays at its query position, always visible).
 * @param frames - T; `width`, `height` the video's size.
 * @returns tracks float64 `[N, T, 2]` (the queries' positions unrounded), visible `[N, T]` (all true), no logits.
 */
function stationaryTracks(queries: readonly QueryPoint[], frames: number, width: number, height: number): EngineTrackResult {
  const tracks = new Float64Array(queries.length * frames * 2);
  queries.forEach((q, i) => {
    for (let t = 0; t < frames; t++) {
      tracks[(i * frames + t) * 2] = q.x;
      tracks[(i * frames + t) * 2 + 1] = q.y;
    }
  });
  return {
    tracks: tensor('float64', [queries.length, frames, 2], tracks),
    visible: tensor('bool', [queries.length, frames], new Uint8Array(queries.length * frames).fill(1)),
    frameCount: frames,
    width,
    height,
  };
}

/** A {@link TrackingEngine} that runs the zero-motion baseline (no model needed). */
export function createStationaryEngine(): TrackingEngine {
  return {
    backend: 'baseline',
    model: { name: 'stationary', description: 'zero-motion baseline: every point stays at its query position, always visible' },
    async track(video: VideoSource, queries: readonly QueryPoint[]) {
      let frames = 0;
      for await (const frame of video.frames()) if (frame.length > 0) frames++;
      return stationaryTracks(queries, frames, video.width, video.height);
    },
    online: ({ width, height }) => stationaryOnline(width * height * 3),
    async dispose() {},
  };
}

/**
 * The zero-motion baseline as an online run: every point added so far stays at its query position,
 * visible; each frame's result is final as soon as the frame is pushed (latency 0).
 */
function stationaryOnline(frameBytes: number): OnlineTracking {
  const points: (QueryPoint & { readonly id: number })[] = [];
  const queue: OnlineFrame[] = [];
  let wake: (() => void) | undefined;
  let pushed = 0;
  let ended = false;
  return {
    latency: 0,
    async addPoints(added) {
      return added.map((p) => {
        points.push({ ...p, id: points.length });
        return points.length - 1;
      });
    },
    async push(frame) {
      if (ended) throw new RangeError('OnlineTracking.push: session must be a session that has not ended, got ended');
      if (frame.length !== frameBytes) throw new RangeError(`OnlineTracking.push: frame must be ${frameBytes} bytes, got ${frame.length}`);
      queue.push({ frame: pushed++, ids: points.map((p) => p.id), tracks: points.flatMap((p) => [p.x, p.y]), visible: points.map(() => 1) });
      wake?.();
    },
    async end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const item = queue.shift();
        if (item !== undefined) yield item;
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
