// SPDX-License-Identifier: Apache-2.0
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJpegFrames } from '@taptr/tapvid';
import { isTaptrError, TaptrError } from '@taptr/tensor';
import { decodePng } from './decode-png.js';
import { naturalCompare } from './natural-compare.js';
import { type FrameSelection, selectFrames } from './frame-selection.js';
import { DEFAULT_FPS, type VideoSource } from './video-source.js';

/** One decoded frame: `rgb` is `[H, W, 3]` uint8. */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/**
 * Decodes PNG bytes to rgb24 (alpha dropped, grey and palette expanded, 16-bit reduced to 8).
 * @param path - names the file in messages.
 * @returns `{ width, height, rgb }` with `rgb` `[H, W, 3]` uint8.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` naming the file and what is wrong (truncated, CRC mismatch, ...).
 */
export function decodePngRgb(bytes: Uint8Array, path: string): RgbFrame {
  const { width, height, data } = decodePng(bytes, path);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    rgb[i * 3] = data[j]!;
    rgb[i * 3 + 1] = data[j + 1]!;
    rgb[i * 3 + 2] = data[j + 2]!;
  }
  return { width, height, rgb };
}

/**
 * Decodes JPEG bytes to rgb24 with `@taptr/tapvid`'s decoder (libjpeg-turbo's, as Pillow decodes).
 * @param path - names the file in messages.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` naming the file when it is not a decodable JPEG.
 */
export function decodeJpegRgb(bytes: Uint8Array, path: string): RgbFrame {
  try {
    const frame = decodeJpegFrames([bytes]);
    const [, height, width] = frame.dims as [number, number, number, number];
    return { width, height, rgb: frame.data };
  } catch (error) {
    if (!isTaptrError(error)) throw error;
    throw new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: ${error.message.replace(/^decodeJpegFrames: frame 0 /, '')}`, { cause: error });
  }
}

/** The frame formats a folder may hold, by file extension. */
const FRAME_FORMATS = {
  png: { extensions: ['.png'], decode: decodePngRgb },
  jpeg: { extensions: ['.jpg', '.jpeg'], decode: decodeJpegRgb },
} as const;

type FrameFormat = keyof typeof FRAME_FORMATS;

/**
 * Reads and decodes one PNG or JPEG file (by its extension) to rgb24.
 * @throws TaptrError `TAPTR_IO` when the file cannot be read, `TAPTR_VIDEO_FORMAT` naming the file when it cannot be decoded.
 */
export async function readImageRgb(path: string, format: FrameFormat = formatOf(path) ?? 'png'): Promise<RgbFrame> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TaptrError('TAPTR_IO', code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (error as Error).message})`, {
      cause: error,
    });
  }
  return FRAME_FORMATS[format].decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

function formatOf(name: string): FrameFormat | undefined {
  const lower = name.toLowerCase();
  return (Object.keys(FRAME_FORMATS) as FrameFormat[]).find((f) => FRAME_FORMATS[f].extensions.some((ext) => lower.endsWith(ext)));
}

/**
 * Opens a folder of frames: `*.png`, or `*.jpg` / `*.jpeg`, sorted naturally (`f2.png` before
 * `f10.png`). The first frame sets the size; every frame must have it. With a `selection`, only the
 * selected files are ever read.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` when the folder holds no frame or both PNG and JPEG frames,
 *   or a frame is unreadable or of another size.
 */
export async function readFrameFolder(dir: string, fps: number = DEFAULT_FPS, selection: FrameSelection = {}): Promise<VideoSource> {
  const byFormat = new Map<FrameFormat, string[]>();
  for (const name of await readdir(dir)) {
    const format = formatOf(name);
    if (format !== undefined) byFormat.set(format, [...(byFormat.get(format) ?? []), name]);
  }
  if (byFormat.size === 0) throw new TaptrError('TAPTR_VIDEO_FORMAT', `${dir}: the folder holds no .png or .jpg frames`);
  if (byFormat.size > 1)
    throw new TaptrError('TAPTR_VIDEO_FORMAT', `${dir}: the folder holds both .png and .jpg frames; keep the frames of one video, in one format`);
  const [format, unsorted] = [...byFormat][0]!;
  const all = unsorted.sort(naturalCompare);
  const sel = selectFrames(all.length, selection, dir);
  const names = Array.from({ length: sel.count! }, (_, t) => all[sel.start + t * sel.stride]!);
  const first = await readImageRgb(join(dir, names[0]!), format);
  const { width, height } = first;
  return {
    path: dir,
    kind: format === 'png' ? 'png-dir' : 'jpeg-dir',
    width,
    height,
    frameCount: names.length,
    fps,
    ...(names.length !== all.length ? { origin: { width, height, start: sel.start, stride: sel.stride, frameCount: all.length } } : {}),
    async *frames() {
      for (const name of names) {
        const frame = await readImageRgb(join(dir, name), format);
        if (frame.width !== width || frame.height !== height) {
          throw new TaptrError('TAPTR_VIDEO_FORMAT', `${join(dir, name)}: frame is ${frame.width}x${frame.height}, but the first frame is ${width}x${height}`);
        }
        yield frame.rgb;
      }
    },
  };
}
