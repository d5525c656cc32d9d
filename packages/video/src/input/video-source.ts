// SPDX-License-Identifier: Apache-2.0
import { tensor, type TensorView } from '@taptr/tensor';

/**
 * A decoded video: its size and a stream of RGB frames. Every frame is a tightly packed
 * `uint8` buffer `[H, W, 3]` (rgb24, row-major). `frames()` can be iterated more than once; each
 * iteration decodes the video again from the start.
 */
export interface VideoSource {
  /** Where the frames come from (a path), for messages. */
  readonly path: string;
  /** `'video'` (decoded with ffmpeg), `'png-dir'`, `'jpeg-dir'` (frame folders) or `'npy'`. */
  readonly kind: 'video' | 'png-dir' | 'jpeg-dir' | 'npy';
  readonly width: number;
  readonly height: number;
  /** Number of frames (for ffmpeg inputs, the number of packets counted by ffprobe). */
  readonly frameCount: number;
  /** Frames per second (frame folders and `.npy` inputs: 25 unless the caller says otherwise). */
  readonly fps: number;
  /** Streams the frames, each `[H, W, 3]` uint8. */
  frames(): AsyncIterable<Uint8Array>;
  /**
   * Where the frames come from in the file, when they are not all of its frames at its size
   * (`openVideo`'s frame selection and `resize`); absent = frame `t` is the file's frame `t`, at its size.
   * See `originOf`.
   */
  readonly origin?: VideoOrigin;
}

/**
 * How a {@link VideoSource}'s frames map to the file's: frame `t` is the file's frame
 * `start + t · stride`, and the file's frames are `width x height` (the source's own size differs
 * when it was resized; points map between the two by the pixel-centre rule of docs/coordinates.md,
 * see `toOriginalPixels`).
 */
export interface VideoOrigin {
  /** Frame size in the file, before any resize. */
  readonly width: number;
  readonly height: number;
  /** File frame of the source's frame 0. */
  readonly start: number;
  /** File frames between two consecutive source frames. */
  readonly stride: number;
  /** Frames in the file (0 = unknown). */
  readonly frameCount: number;
}

/** Default frame rate for inputs that carry none (frame folders, `.npy`). */
export const DEFAULT_FPS = 25;

/**
 * Decodes every frame into one tensor.
 * @returns uint8 tensor `[T, H, W, 3]`, with T the number of frames actually decoded.
 */
export async function readAllFrames(source: VideoSource, onFrame?: (done: number) => void): Promise<TensorView<'uint8'>> {
  const frameBytes = source.width * source.height * 3;
  const chunks: Uint8Array[] = [];
  for await (const frame of source.frames()) {
    chunks.push(frame);
    onFrame?.(chunks.length);
  }
  const data = new Uint8Array(chunks.length * frameBytes);
  chunks.forEach((c, i) => data.set(c, i * frameBytes));
  return tensor('uint8', [chunks.length, source.height, source.width, 3], data);
}

/**
 * Wraps an in-memory uint8 `[T, H, W, 3]` tensor as a {@link VideoSource}.
 */
export function videoFromTensor(video: TensorView<'uint8'>, path = '<memory>', fps = DEFAULT_FPS): VideoSource {
  const [frameCount, height, width] = video.dims as [number, number, number, number];
  const frameBytes = width * height * 3;
  return {
    path,
    kind: 'npy',
    width,
    height,
    frameCount,
    fps,
    async *frames() {
      for (let t = 0; t < frameCount; t++) yield video.data.subarray(t * frameBytes, (t + 1) * frameBytes);
    },
  };
}
