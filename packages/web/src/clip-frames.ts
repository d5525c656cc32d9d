// SPDX-License-Identifier: Apache-2.0
// The frames of a clip at the best resolution the page has: the file's frames at full resolution
// (decoded again with WebCodecs), else the frames held in memory.
import { rgbToRgba, type VideoClip } from './video-clip.js';
import { decodeFrames } from './webcodecs-decode.js';

/** One RGBA frame. */
export interface RgbaFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray<ArrayBuffer>;
}

/** The first `frames` frames of `clip`, in order, one at a time (RGBA). */
export async function* clipFrames(clip: VideoClip, frames: number, signal?: AbortSignal): AsyncGenerator<RgbaFrame> {
  if (clip.source.kind === 'file') {
    for await (const f of decodeFrames(clip.source.file, { step: clip.source.step, frames, ...(signal ? { signal } : {}) })) yield f;
    return;
  }
  const { width: w, height: h, data } = clip.display;
  for (let t = 0; t < Math.min(frames, clip.frames); t++) {
    signal?.throwIfAborted();
    const rgba = new Uint8ClampedArray(w * h * 4);
    rgbToRgba(data.subarray(t * w * h * 3, (t + 1) * w * h * 3), rgba);
    yield { width: w, height: h, data: rgba };
  }
}
