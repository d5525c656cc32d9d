// SPDX-License-Identifier: Apache-2.0
// Video sources of the page: the bundled sample (raw frames made at build time) and video files
// decoded by the browser (seek + draw into a canvas).

/** A decoded clip: `data` is `[T, H, W, 3]` uint8 RGB. */
export interface VideoClip {
  readonly name: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Loads the bundled sample (`sample/sample.json` + `sample/video.bin`, see scripts/prepare-assets.ts). */
export async function loadSample(base: string): Promise<VideoClip> {
  const meta = (await (await fetch(new URL('sample.json', base))).json()) as { frames: number; width: number; height: number; file: string };
  const response = await fetch(new URL(meta.file, base));
  if (!response.ok) throw new Error(`cannot load the sample video: HTTP ${response.status}`);
  const data = new Uint8Array(await response.arrayBuffer());
  if (data.length !== meta.frames * meta.height * meta.width * 3) {
    throw new RangeError(`sample video: expected ${meta.frames * meta.height * meta.width * 3} bytes for [${meta.frames}, ${meta.height}, ${meta.width}, 3], got ${data.length}`);
  }
  return { name: 'sample (reference fixture video)', frames: meta.frames, width: meta.width, height: meta.height, data };
}

/** Options of {@link decodeVideoFile}. */
export interface DecodeOptions {
  /** Frames per second to sample. */
  readonly fps: number;
  /** Stop after this many frames. */
  readonly maxFrames: number;
  /** Downscale so the longer side is at most this many pixels (the model resizes anyway). */
  readonly maxSide: number;
  readonly onProgress?: (done: number, total: number) => void;
}

function once(target: EventTarget, type: string): Promise<void> {
  return new Promise((ok, fail) => {
    const onError = (): void => fail(new Error(`the browser cannot decode this video (${type})`));
    target.addEventListener(type, () => {
      target.removeEventListener('error', onError);
      ok();
    }, { once: true });
    target.addEventListener('error', onError, { once: true });
  });
}

/** Decodes a video file into RGB frames by seeking a `<video>` element frame by frame. */
export async function decodeVideoFile(file: Blob & { name?: string }, options: DecodeOptions): Promise<VideoClip> {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  const url = URL.createObjectURL(file);
  try {
    video.src = url;
    await once(video, 'loadedmetadata');
    const duration = Number.isFinite(video.duration) ? video.duration : 0;
    const frames = Math.max(1, Math.min(options.maxFrames, Math.floor(duration * options.fps) || 1));
    const scale = Math.min(1, options.maxSide / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.max(1, Math.round(video.videoWidth * scale));
    const height = Math.max(1, Math.round(video.videoHeight * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('no 2d canvas context');
    const data = new Uint8Array(frames * width * height * 3);
    for (let t = 0; t < frames; t++) {
      const seeked = once(video, 'seeked');
      video.currentTime = Math.min(duration, t / options.fps);
      await seeked;
      ctx.drawImage(video, 0, 0, width, height);
      const rgba = ctx.getImageData(0, 0, width, height).data;
      const base = t * width * height * 3;
      for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
        data[base + j] = rgba[i]!;
        data[base + j + 1] = rgba[i + 1]!;
        data[base + j + 2] = rgba[i + 2]!;
      }
      options.onProgress?.(t + 1, frames);
    }
    return { name: file.name ?? 'video', frames, width, height, data };
  } finally {
    URL.revokeObjectURL(url);
    video.removeAttribute('src');
  }
}

/** Draws frame `t` of `clip` into `ctx` (1:1, the canvas must be W x H). */
export function frameImage(clip: VideoClip, t: number): ImageData {
  const { width: W, height: H } = clip;
  const image = new ImageData(W, H);
  const src = clip.data.subarray(t * W * H * 3, (t + 1) * W * H * 3);
  for (let i = 0, j = 0; j < src.length; i += 4, j += 3) {
    image.data[i] = src[j]!;
    image.data[i + 1] = src[j + 1]!;
    image.data[i + 2] = src[j + 2]!;
    image.data[i + 3] = 255;
  }
  return image;
}

/** The first `frames` frames of a clip (no copy). */
export function headOf(clip: VideoClip, frames: number): VideoClip {
  const T = Math.max(1, Math.min(clip.frames, frames));
  return { ...clip, frames: T, data: clip.data.subarray(0, T * clip.width * clip.height * 3) };
}
