// SPDX-License-Identifier: Apache-2.0
import { tensor, type TensorView } from '@taptr/tensor';
import type { VideoSource } from './video-source.js';

/**
 * The frames of a {@link VideoSource} as `[H, W, 3]` uint8 tensors, streamed (decoded one at a time,
 * in order): what `@taptr/tracker`'s `track()` takes as its video.
 * @example
 * const video = await openVideo('clip.mp4');
 * const { tracks, visible } = await tracker.track(frameTensors(video), queries, { frameCount: video.frameCount });
 */
export async function* frameTensors(video: VideoSource): AsyncGenerator<TensorView<'uint8'>> {
  for await (const frame of video.frames()) yield tensor('uint8', [video.height, video.width, 3], frame);
}
