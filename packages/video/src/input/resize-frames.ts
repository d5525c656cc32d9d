// SPDX-License-Identifier: Apache-2.0
import { resizeVideoLanczos } from '@taptr/tapvid';
import { describeValue, invalidArgument, tensor } from '@taptr/tensor';
import { originOf } from './video-origin.js';
import type { VideoSource } from './video-source.js';

/**
 * The frame size after resizing so that the short side is `shortSide` pixels: the aspect ratio is
 * kept and the long side rounded (`round(long · shortSide / short)`). Never upscales: a frame whose
 * short side is already at most `shortSide` keeps its size.
 * @throws RangeError when `shortSide` is not a positive integer.
 */
export function resizedSize(width: number, height: number, shortSide: number): { width: number; height: number } {
  if (typeof shortSide !== 'number' || !Number.isSafeInteger(shortSide) || shortSide < 1)
    throw invalidArgument('range', 'resizedSize', 'shortSide', 'a positive integer', describeValue(shortSide));
  const short = Math.min(width, height);
  if (short <= shortSide) return { width, height };
  const scale = shortSide / short;
  return width <= height
    ? { width: shortSide, height: Math.max(1, Math.round(height * scale)) }
    : { width: Math.max(1, Math.round(width * scale)), height: shortSide };
}

/**
 * Resizes every frame of a source so that its short side is `shortSide` (see {@link resizedSize};
 * Lanczos-3 as Pillow, `@taptr/tapvid`'s `resizeVideoLanczos`), one frame at a time as they stream.
 * The result's `origin` keeps the original size, so positions map back with `toOriginalPixels`.
 * Returns `video` itself when nothing changes.
 */
export function resizeVideo(video: VideoSource, shortSide: number): VideoSource {
  const size = resizedSize(video.width, video.height, shortSide);
  if (size.width === video.width && size.height === video.height) return video;
  const origin = originOf(video);
  return {
    ...video,
    width: size.width,
    height: size.height,
    origin,
    async *frames() {
      for await (const frame of video.frames()) {
        yield resizeVideoLanczos(tensor('uint8', [1, video.height, video.width, 3], frame), size.height, size.width).data;
      }
    },
  };
}
