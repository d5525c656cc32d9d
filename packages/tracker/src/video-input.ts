// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument, type TensorView } from '@taptr/tensor';

/**
 * One RGB video frame: a uint8 tensor `[H, W, 3]` (or `[H, W, 4]` RGBA, alpha ignored), or an
 * `ImageData`-like `{ width, height, data }` with RGBA bytes.
 */
export type VideoFrame = TensorView<'uint8'> | { readonly width: number; readonly height: number; readonly data: Uint8Array | Uint8ClampedArray };

/**
 * A video: a uint8 tensor `[T, H, W, 3]` (or 4 channels), an array of frames, or a (async)
 * iterable of frames, e.g. decoded on the fly (streamed: only a rolling set of frames is held).
 */
export type VideoInput = TensorView<'uint8'> | readonly VideoFrame[] | Iterable<VideoFrame> | AsyncIterable<VideoFrame>;

/** A frame's pixels, validated. */
export interface RawFrame {
  readonly pixels: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

/** @internal */
export interface VideoReader {
  /** T when known before reading. */
  readonly frameCount: number | undefined;
  /** Random access when the whole video is in memory. */
  readonly frameAt: ((t: number) => RawFrame) | undefined;
  /** The frames in order (read once for streams). */
  frames(): AsyncIterable<RawFrame>;
}

/** Validates one frame. */
export function rawFrame(fn: string, arg: string, frame: unknown): RawFrame {
  const f = frame as Partial<TensorView> & { width?: unknown; height?: unknown };
  if (f !== null && typeof f === 'object' && Array.isArray(f.dims)) {
    if (f.type !== 'uint8') throw invalidArgument('type', fn, arg, 'a uint8 tensor [H, W, 3]', describeValue(frame));
    const [h, w, c] = f.dims as number[];
    if (f.dims.length !== 3 || (c !== 3 && c !== 4) || !(h! > 0) || !(w! > 0))
      throw invalidArgument('range', fn, arg, 'a uint8 tensor [H, W, 3] or [H, W, 4]', describeValue(frame));
    const pixels = f.data as Uint8Array;
    if (pixels.length !== h! * w! * c) throw invalidArgument('range', fn, `${arg}.data`, `${h! * w! * c} bytes`, String(pixels.length));
    return { pixels, width: w!, height: h!, channels: c };
  }
  if (
    f !== null &&
    typeof f === 'object' &&
    typeof f.width === 'number' &&
    typeof f.height === 'number' &&
    (f.data instanceof Uint8Array || f.data instanceof Uint8ClampedArray)
  ) {
    const { width, height } = f as { width: number; height: number };
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || f.data.length !== width * height * 4) {
      throw invalidArgument(
        'range',
        fn,
        arg,
        'RGBA ImageData-like {width, height, data} with width * height * 4 bytes',
        `${width}x${height} with ${f.data.length} bytes`,
      );
    }
    return { pixels: f.data, width, height, channels: 4 };
  }
  throw invalidArgument('type', fn, arg, 'a uint8 tensor [H, W, 3] or an ImageData-like {width, height, data}', describeValue(frame));
}

/**
 * Opens any {@link VideoInput}.
 * @internal
 */
export function openVideo(fn: string, video: unknown): VideoReader {
  const v = video as Partial<TensorView>;
  if (v !== null && typeof v === 'object' && Array.isArray(v.dims) && typeof v.type === 'string') {
    if (v.type !== 'uint8') throw invalidArgument('type', fn, 'video', 'a uint8 tensor [T, H, W, 3]', describeValue(video));
    const [T, h, w, c] = v.dims as number[];
    if (v.dims.length !== 4 || (c !== 3 && c !== 4))
      throw invalidArgument('range', fn, 'video', 'a uint8 tensor [T, H, W, 3] (or 4 channels)', describeValue(video));
    const data = v.data as Uint8Array;
    const size = h! * w! * c;
    if (data.length !== T! * size) throw invalidArgument('range', fn, 'video.data', `${T! * size} bytes`, String(data.length));
    const frameAt = (t: number): RawFrame => ({ pixels: data.subarray(t * size, (t + 1) * size), width: w!, height: h!, channels: c });
    return {
      frameCount: T,
      frameAt,
      async *frames() {
        for (let t = 0; t < T!; t++) yield frameAt(t);
      },
    };
  }
  if (Array.isArray(video)) {
    const frames = video as readonly unknown[];
    const frameAt = (t: number): RawFrame => rawFrame(fn, `video[${t}]`, frames[t]);
    return {
      frameCount: frames.length,
      frameAt,
      async *frames() {
        for (let t = 0; t < frames.length; t++) yield frameAt(t);
      },
    };
  }
  if (video !== null && typeof video === 'object' && (Symbol.asyncIterator in video || Symbol.iterator in video)) {
    const iterable = video as AsyncIterable<unknown> | Iterable<unknown>;
    let used = false;
    return {
      frameCount: undefined,
      frameAt: undefined,
      async *frames() {
        if (used) throw invalidArgument('range', fn, 'video', 'an iterable that is read once', 'a second read');
        used = true;
        let t = 0;
        for await (const frame of iterable) yield rawFrame(fn, `video frame ${t++}`, frame);
      },
    };
  }
  throw invalidArgument('type', fn, 'video', 'a uint8 tensor [T, H, W, 3], an array of frames or an (async) iterable of frames', describeValue(video));
}
