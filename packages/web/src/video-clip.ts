// SPDX-License-Identifier: Apache-2.0
// A video as the page holds it: the original size (the pixels every coordinate is in), small display
// frames for drawing and scrubbing, and where the full-resolution frames come from for tracking and export.

/**
 * Where a clip's full-resolution frames come from:
 * - `raw`: `display` holds them (the bundled sample: display size = video size);
 * - `file`: a file WebCodecs decodes; every `step`-th frame in presentation order, re-decoded at its
 *   full resolution for tracking and export;
 * - `scaled`: only the display frames exist (a `<video>` element decoded them where WebCodecs is
 *   missing); tracks are computed on them and scaled to video pixels.
 */
type ClipSource = { readonly kind: 'raw' } | { readonly kind: 'file'; readonly file: Blob; readonly step: number } | { readonly kind: 'scaled' };

/** A decoded clip. */
export interface VideoClip {
  readonly name: string;
  /** Frames T. */
  readonly frames: number;
  /** The video's own size: tracks, queries and masks are in these pixels (docs/coordinates.md). */
  readonly width: number;
  readonly height: number;
  /** Presentation time of each frame, seconds from the first (length T). */
  readonly timestamps: readonly number[];
  /** Display frames `[T, h, w, 3]` uint8 RGB (h x w <= the video size). */
  readonly display: { readonly width: number; readonly height: number; readonly data: Uint8Array };
  readonly source: ClipSource;
  /** How the frames were decoded (shown to the user). */
  readonly decoder: 'raw' | 'webcodecs' | 'video-element';
}

/** Frames per second of a clip (from its timestamps; 10 when there is only one frame). */
export function clipFps(clip: Pick<VideoClip, 'frames' | 'timestamps'>): number {
  const T = clip.frames;
  if (T < 2) return 10;
  const span = clip.timestamps[T - 1]! - clip.timestamps[0]!;
  return span > 0 ? (T - 1) / span : 10;
}

/** Loads the bundled sample (`sample/sample.json` + `sample/video.bin`, see scripts/prepare-assets.ts). */
export async function loadSample(base: string): Promise<VideoClip> {
  const meta = (await (await fetch(new URL('sample.json', base))).json()) as { frames: number; width: number; height: number; file: string };
  const response = await fetch(new URL(meta.file, base));
  if (!response.ok) throw new Error(`cannot load the sample video: HTTP ${response.status}`);
  const data = new Uint8Array(await response.arrayBuffer());
  if (data.length !== meta.frames * meta.height * meta.width * 3) {
    throw new RangeError(
      `loadSample: video.bin must be ${meta.frames * meta.height * meta.width * 3} bytes for [${meta.frames}, ${meta.height}, ${meta.width}, 3], got ${data.length}`,
    );
  }
  return {
    name: 'sample (reference fixture video)',
    frames: meta.frames,
    width: meta.width,
    height: meta.height,
    timestamps: Array.from({ length: meta.frames }, (_, t) => t / 10),
    display: { width: meta.width, height: meta.height, data },
    source: { kind: 'raw' },
    decoder: 'raw',
  };
}

/** Display frame `t` of `clip` as RGBA ImageData (display size). */
export function frameImage(clip: VideoClip, t: number): ImageData {
  const { width: w, height: h, data } = clip.display;
  const image = new ImageData(w, h);
  rgbToRgba(data.subarray(t * w * h * 3, (t + 1) * w * h * 3), image.data);
  return image;
}

/** Copies RGB bytes into an RGBA buffer (alpha 255). */
export function rgbToRgba(rgb: Uint8Array, rgba: Uint8ClampedArray | Uint8Array): void {
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgba[i] = rgb[j]!;
    rgba[i + 1] = rgb[j + 1]!;
    rgba[i + 2] = rgb[j + 2]!;
    rgba[i + 3] = 255;
  }
}

/** Copies RGBA bytes into an RGB buffer at `offset`. */
export function rgbaToRgb(rgba: Uint8ClampedArray | Uint8Array, rgb: Uint8Array, offset = 0): void {
  for (let i = 0, j = offset; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
}

/** The first `frames` frames of a clip (no copy). */
export function headOf(clip: VideoClip, frames: number): VideoClip {
  const T = Math.max(1, Math.min(clip.frames, frames));
  const { width: w, height: h, data } = clip.display;
  return { ...clip, frames: T, timestamps: clip.timestamps.slice(0, T), display: { width: w, height: h, data: data.subarray(0, T * w * h * 3) } };
}
