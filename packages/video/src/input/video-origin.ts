// SPDX-License-Identifier: Apache-2.0
import type { VideoOrigin, VideoSource } from './video-source.js';

/** The {@link VideoOrigin} of a source: its own, or the identity (every frame of the file, at its size). */
export function originOf(video: VideoSource): VideoOrigin {
  return video.origin ?? { width: video.width, height: video.height, start: 0, stride: 1, frameCount: video.frameCount };
}

/** The file's frame index of the source's frame `t`. */
export function sourceFrameOf(video: VideoSource, t: number): number {
  const o = originOf(video);
  return o.start + t * o.stride;
}

/**
 * Maps `[N, 2]`-interleaved (x, y) positions from the source's pixels to the file's (original)
 * pixels, in place. Integer coordinates are pixel centres on both sides (docs/coordinates.md), so a
 * frame resized from `W` to `w` pixels maps `x' ↦ (x' + 0.5) · W / w − 0.5` (and likewise `y`);
 * the identity when the source was not resized. Non-finite values stay as they are.
 * @returns `xy`.
 */
export function toOriginalPixels<T extends Float32Array | Float64Array | number[]>(video: VideoSource, xy: T): T {
  const o = originOf(video);
  return mapPixels(xy, o.width / video.width, o.height / video.height);
}

/** The inverse of {@link toOriginalPixels}: the file's pixels to the source's (`x ↦ (x + 0.5) · w / W − 0.5`), in place. */
export function fromOriginalPixels<T extends Float32Array | Float64Array | number[]>(video: VideoSource, xy: T): T {
  const o = originOf(video);
  return mapPixels(xy, video.width / o.width, video.height / o.height);
}

function mapPixels<T extends Float32Array | Float64Array | number[]>(xy: T, sx: number, sy: number): T {
  if (sx === 1 && sy === 1) return xy;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    xy[i] = (xy[i]! + 0.5) * sx - 0.5;
    xy[i + 1] = (xy[i + 1]! + 0.5) * sy - 0.5;
  }
  return xy;
}
