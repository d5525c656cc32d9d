// SPDX-License-Identifier: Apache-2.0
// The overlay video: every frame of the tracked clip at the video's resolution (upscaled by the
// style's integer factor, nearest neighbour, like the CLI) with the tracks drawn on it, encoded with
// WebCodecs through mediabunny into an mp4 (H.264, else VP9 / AV1) or a webm (VP9, else VP8 / AV1).
import { BufferTarget, CanvasSource, getFirstEncodableVideoCodec, Mp4OutputFormat, Output, Quality, WebMOutputFormat, type VideoCodec } from 'mediabunny';
import type { OverlayStyle, TrackSet } from '@taptr/tensor/track-style';
import { clipFrames } from './clip-frames.js';
import { drawTracks } from './overlay.js';
import { clipFps, type VideoClip } from './video-clip.js';

/** Container of the exported overlay. */
export type OverlayFormat = 'mp4' | 'webm';

/** Codecs tried per container, in order of preference. */
const OVERLAY_CODECS: Readonly<Record<OverlayFormat, readonly VideoCodec[]>> = { mp4: ['avc', 'vp9', 'av1'], webm: ['vp9', 'vp8', 'av1'] };

/** Options of {@link exportOverlay}. */
export interface ExportOverlayOptions {
  readonly format: OverlayFormat;
  readonly style: OverlayStyle;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** An exported overlay video. */
export interface OverlayVideo {
  readonly blob: Blob;
  readonly codec: VideoCodec;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly fileName: string;
}

/**
 * Renders and encodes the overlay of `set` (tracks in video pixels) on `clip`. The output is
 * `width * scale x height * scale`, rounded up to even sizes (4:2:0 codecs), one frame per tracked
 * frame at the clip's timestamps.
 * @throws Error when no codec of the container can be encoded here.
 */
export async function exportOverlay(clip: VideoClip, set: TrackSet, options: ExportOverlayOptions): Promise<OverlayVideo> {
  const { style } = options;
  const area = { width: clip.width * style.scale, height: clip.height * style.scale };
  const width = area.width + (area.width % 2);
  const height = area.height + (area.height % 2);
  const fps = clipFps(clip);
  const codec = await getFirstEncodableVideoCodec([...OVERLAY_CODECS[options.format]], { width, height, frameRate: fps });
  if (codec === null) throw new Error(`this browser cannot encode ${options.format} video (tried ${OVERLAY_CODECS[options.format].join(', ')})`);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2d context for the overlay');
  const frameCanvas = new OffscreenCanvas(1, 1);
  const frameCtx = frameCanvas.getContext('2d')!;
  const output = new Output({ format: options.format === 'mp4' ? new Mp4OutputFormat() : new WebMOutputFormat(), target: new BufferTarget() });
  const source = new CanvasSource(canvas, { codec, quality: new Quality('high') });
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();
  let t = 0;
  try {
    for await (const frame of clipFrames(clip, set.frames, options.signal)) {
      if (frameCanvas.width !== frame.width || frameCanvas.height !== frame.height) {
        frameCanvas.width = frame.width;
        frameCanvas.height = frame.height;
      }
      frameCtx.putImageData(new ImageData(frame.data, frame.width, frame.height), 0, 0);
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, width, height);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(frameCanvas, 0, 0, area.width, area.height);
      drawTracks(ctx, set, t, clip.width, clip.height, style, area);
      const start = clip.timestamps[t] ?? t / fps;
      const next = clip.timestamps[t + 1] ?? start + 1 / fps;
      await source.add(start, Math.max(1e-3, next - start));
      t += 1;
      options.onProgress?.(t, set.frames);
      if (t >= set.frames) break;
    }
    await output.finalize();
  } catch (error) {
    await output.cancel().catch(() => undefined);
    throw error;
  }
  const buffer = output.target.buffer!;
  const base = clip.name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '-') || 'video';
  return {
    blob: new Blob([buffer], { type: options.format === 'mp4' ? 'video/mp4' : 'video/webm' }),
    codec,
    frames: t,
    width,
    height,
    fileName: `${base}-overlay.${options.format}`,
  };
}
