// SPDX-License-Identifier: Apache-2.0
// The fallback decoder where WebCodecs is missing: seek a <video> element frame by frame and draw
// it into a canvas. Seeking is by time, so frames are sampled at `fps` (not exactly the file's frames).
import { rgbaToRgb, type VideoClip } from './video-clip.js';

/** Options of {@link decodeWithVideoElement}. */
export interface VideoElementOptions {
  /** Frames per second to sample. */
  readonly fps: number;
  readonly maxFrames: number;
  /** Frames are scaled so their longer side is at most this many pixels. */
  readonly maxSide: number;
  readonly onProgress?: (done: number, total: number) => void;
}

function once(target: EventTarget, type: string): Promise<void> {
  return new Promise((ok, fail) => {
    const onError = (): void => fail(new Error(`the browser cannot decode this video (${type})`));
    target.addEventListener(
      type,
      () => {
        target.removeEventListener('error', onError);
        ok();
      },
      { once: true },
    );
    target.addEventListener('error', onError, { once: true });
  });
}

/**
 * Decodes a video by seeking a `<video>` element (one frame per `1 / fps` s). The frames are kept at
 * the scaled size only (`source: 'scaled'`): tracks are computed on them and scaled to video pixels.
 */
export async function decodeWithVideoElement(file: Blob & { name?: string }, options: VideoElementOptions): Promise<VideoClip> {
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
    const timestamps: number[] = [];
    for (let t = 0; t < frames; t++) {
      const seeked = once(video, 'seeked');
      video.currentTime = Math.min(duration, t / options.fps);
      await seeked;
      ctx.drawImage(video, 0, 0, width, height);
      rgbaToRgb(ctx.getImageData(0, 0, width, height).data, data, t * width * height * 3);
      timestamps.push(t / options.fps);
      options.onProgress?.(t + 1, frames);
    }
    return {
      name: file.name ?? 'video',
      frames,
      width: video.videoWidth,
      height: video.videoHeight,
      timestamps,
      display: { width, height, data },
      source: width === video.videoWidth && height === video.videoHeight ? { kind: 'raw' } : { kind: 'scaled' },
      decoder: 'video-element',
    };
  } finally {
    URL.revokeObjectURL(url);
    video.removeAttribute('src');
  }
}
