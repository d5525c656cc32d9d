// SPDX-License-Identifier: Apache-2.0
// Frame-accurate decoding with WebCodecs (through mediabunny): frames in presentation order, in
// display orientation (rotation metadata applied, as ffmpeg does for the CLI), every `step`-th one.
import { ALL_FORMATS, BlobSource, CanvasSink, Input, type InputVideoTrack } from 'mediabunny';
import { rgbaToRgb, type VideoClip } from './video-clip.js';

/** True where the browser has WebCodecs (`VideoDecoder`), the page's main decoding path. */
export function hasWebCodecs(): boolean {
  return typeof globalThis.VideoDecoder === 'function';
}

/** One decoded frame: RGBA pixels of `width x height`, its presentation time in seconds. */
export interface DecodedFrame {
  readonly index: number;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray<ArrayBuffer>;
  readonly timestamp: number;
}

/** What {@link openVideoTrack} found. */
interface VideoTrackInfo {
  readonly input: Input;
  readonly track: InputVideoTrack;
  /** Display size (rotation applied). */
  readonly width: number;
  readonly height: number;
}

/**
 * Opens the primary video track of `file` and checks WebCodecs can decode it.
 * @throws Error naming the file when it has no video track or its codec cannot be decoded here.
 */
async function openVideoTrack(file: Blob & { name?: string }): Promise<VideoTrackInfo> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const name = file.name ?? 'the video';
  try {
    if (!(await input.canRead())) throw new Error(`${name}: not a video format this page reads (mp4, mov, webm, mkv, ...)`);
    const track = await input.getPrimaryVideoTrack();
    if (track === null) throw new Error(`${name}: the file has no video track`);
    if (!(await track.canDecode())) throw new Error(`${name}: this browser cannot decode its ${(await track.getCodec()) ?? 'unknown'} video`);
    return { input, track, width: await track.getDisplayWidth(), height: await track.getDisplayHeight() };
  } catch (error) {
    input.dispose();
    throw error;
  }
}

/** Options of {@link decodeFrames}. */
export interface DecodeFramesOptions {
  /** Keep every `step`-th frame (1 = every frame). */
  readonly step: number;
  /** Stop after this many kept frames. */
  readonly frames: number;
  /** Output size (default: the display size; the browser scales). */
  readonly width?: number;
  readonly height?: number;
  readonly signal?: AbortSignal;
}

/**
 * Decodes frames of `file`: frame k (0-based, presentation order) is kept when `k % step === 0`;
 * each is yielded as RGBA at the video's display size (or `width x height`). Memory stays constant:
 * only a small pool of canvases is held.
 */
export async function* decodeFrames(file: Blob & { name?: string }, options: DecodeFramesOptions): AsyncGenerator<DecodedFrame> {
  const { input, track, width, height } = await openVideoTrack(file);
  try {
    const w = options.width ?? width;
    const h = options.height ?? height;
    const sink = new CanvasSink(track, { width: w, height: h, fit: 'fill', poolSize: 2 });
    let k = 0;
    let index = 0;
    let first: number | undefined;
    for await (const { canvas, timestamp } of sink.canvases()) {
      options.signal?.throwIfAborted();
      if (k++ % options.step !== 0) continue;
      const ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = canvas.getContext('2d');
      if (ctx === null) throw new Error('decodeFrames: no 2d context on the decoded canvas');
      first ??= timestamp;
      yield { index, width: w, height: h, data: ctx.getImageData(0, 0, w, h).data, timestamp: timestamp - first };
      if (++index >= options.frames) break;
    }
  } finally {
    input.dispose();
  }
}

/** Options of {@link decodeVideoFile}. */
export interface DecodeOptions {
  /** Keep every `step`-th frame (1 = every frame, as the CLI). */
  readonly step: number;
  /** Stop after this many frames. */
  readonly maxFrames: number;
  /** Display frames are scaled so their longer side is at most this many pixels. */
  readonly maxSide: number;
  readonly onProgress?: (done: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * Decodes a video file with WebCodecs into a clip: display frames (longer side <= `maxSide`) kept in
 * memory, the file kept as the source of the full-resolution frames.
 */
export async function decodeVideoFile(file: Blob & { name?: string }, options: DecodeOptions): Promise<VideoClip> {
  const { input, width, height } = await openVideoTrack(file);
  input.dispose();
  const scale = Math.min(1, options.maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const chunks: Uint8Array[] = [];
  const timestamps: number[] = [];
  const size = w * h * 3;
  for await (const frame of decodeFrames(file, {
    step: options.step,
    frames: options.maxFrames,
    width: w,
    height: h,
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    const rgb = new Uint8Array(size);
    rgbaToRgb(frame.data, rgb);
    chunks.push(rgb);
    timestamps.push(frame.timestamp);
    options.onProgress?.(chunks.length);
  }
  if (chunks.length === 0) throw new Error(`${file.name ?? 'the video'}: no frame could be decoded`);
  const data = new Uint8Array(chunks.length * size);
  chunks.forEach((c, t) => data.set(c, t * size));
  return {
    name: file.name ?? 'video',
    frames: chunks.length,
    width,
    height,
    timestamps,
    display: { width: w, height: h, data },
    source: { kind: 'file', file, step: options.step },
    decoder: 'webcodecs',
  };
}
