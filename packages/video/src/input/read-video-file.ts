// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import { TaptrError } from '@taptr/tensor';
import { ffmpegCommand, ffmpegMissing, lastLine, runToCompletion } from './ffmpeg-command.js';
import { type FrameSelection, selectFrames } from './frame-selection.js';
import { resizedSize } from './resize-frames.js';
import type { VideoSource } from './video-source.js';

interface ProbeStream {
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

/** Display rotation in degrees (ffmpeg applies it when decoding, so a 90/270 rotation swaps W and H). */
function rotationOf(stream: ProbeStream): number {
  const fromSideData = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const degrees = fromSideData ?? Number(stream.tags?.rotate ?? 0);
  return Number.isFinite(degrees) ? Math.round(degrees) : 0;
}

function parseRate(rate: string | undefined): number | undefined {
  if (rate === undefined) return undefined;
  const [num, den] = rate.split('/').map(Number);
  if (num === undefined || !Number.isFinite(num) || num <= 0) return undefined;
  const value = den === undefined ? num : num / den;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Opens a video file (mp4, webm, mov, mkv, anything ffmpeg decodes). ffprobe reads the size,
 * frame rate and frame count up front; `frames()` then streams rgb24 frames from an ffmpeg pipe
 * (`-f rawvideo -pix_fmt rgb24`), one `[H, W, 3]` buffer at a time, so memory does not grow with
 * the video's length. Frames are in display orientation (rotation metadata applied, as ffmpeg does).
 * `options` selects frames (ffmpeg's `select` filter: only the selected frames leave ffmpeg, and it
 * stops after the last one) and resizes them (ffmpeg's `scale`, Lanczos, to `resizedSize`).
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` when ffprobe/ffmpeg are missing or the file has no decodable video stream.
 */
export async function readVideoFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  options: FrameSelection & { readonly resize?: number } = {},
): Promise<VideoSource> {
  const ffprobe = ffmpegCommand('ffprobe', env);
  const ffmpeg = ffmpegCommand('ffmpeg', env);
  const json = await runToCompletion(
    ffprobe,
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-count_packets',
      '-show_entries',
      'stream=width,height,r_frame_rate,avg_frame_rate,nb_frames,nb_read_packets:stream_tags=rotate:stream_side_data=rotation',
      '-of',
      'json',
      path,
    ],
    `cannot read video ${path}`,
  );
  let stream: ProbeStream | undefined;
  try {
    stream = (JSON.parse(json) as { streams?: ProbeStream[] }).streams?.[0];
  } catch {
    stream = undefined;
  }
  const { width: codedWidth, height: codedHeight } = stream ?? {};
  if (stream === undefined || codedWidth === undefined || codedHeight === undefined || codedWidth <= 0 || codedHeight <= 0) {
    throw new TaptrError('TAPTR_VIDEO_FORMAT', `cannot read video ${path}: no video stream found`);
  }
  // ffmpeg auto-rotates while decoding: frames come out in display orientation.
  const swap = Math.abs(rotationOf(stream)) % 180 === 90;
  const width = swap ? codedHeight : codedWidth;
  const height = swap ? codedWidth : codedHeight;
  const fps = parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate) ?? 25;
  const fileFrames = Number(stream.nb_read_packets ?? stream.nb_frames ?? 0) || 0;
  const sel = selectFrames(fileFrames, options, path);
  const size = options.resize !== undefined ? resizedSize(width, height, options.resize) : { width, height };
  const resized = size.width !== width || size.height !== height;
  const selected = sel.start !== 0 || sel.stride !== 1 || (sel.stop !== undefined && sel.stop !== fileFrames);
  const filters: string[] = [];
  if (sel.start !== 0 || sel.stride !== 1) filters.push(`select=gte(n\\,${sel.start})*not(mod(n-${sel.start}\\,${sel.stride}))`);
  if (resized) filters.push(`scale=${size.width}:${size.height}:flags=lanczos`);
  // ffmpeg stops once the last selected frame is out (a count bound by the file, --end or --max-frames).
  const limit = sel.count ?? (sel.stop !== undefined ? Math.ceil((sel.stop - sel.start) / sel.stride) : undefined);
  const args = [...(filters.length > 0 ? ['-vf', filters.join(',')] : []), ...(selected && limit !== undefined ? ['-frames:v', String(limit)] : [])];
  return {
    path,
    kind: 'video',
    width: size.width,
    height: size.height,
    frameCount: selected ? (sel.count ?? 0) : fileFrames,
    fps,
    ...(selected || resized ? { origin: { width, height, start: sel.start, stride: sel.stride, frameCount: fileFrames } } : {}),
    frames: () => streamFrames(ffmpeg, path, size.width * size.height * 3, args),
  };
}

async function* streamFrames(ffmpeg: string, path: string, frameBytes: number, filterArgs: readonly string[]): AsyncGenerator<Uint8Array> {
  const child = spawn(
    ffmpeg,
    ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v:0', ...filterArgs, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-vsync', 'passthrough', 'pipe:1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const err: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let spawnError: NodeJS.ErrnoException | undefined;
  child.on('error', (e: NodeJS.ErrnoException) => {
    spawnError = e;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let pending = new Uint8Array(frameBytes);
  let filled = 0;
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        pending.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          yield pending;
          pending = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const code = await exited;
    finished = true;
    if (spawnError !== undefined) throw spawnError.code === 'ENOENT' ? ffmpegMissing(ffmpeg, spawnError) : spawnError;
    if (code !== 0) {
      throw new TaptrError(
        'TAPTR_VIDEO_FORMAT',
        `cannot decode video ${path}: ${lastLine(Buffer.concat(err).toString('utf8')) || `ffmpeg exited with code ${code}`}`,
      );
    }
    if (filled !== 0) throw new TaptrError('TAPTR_VIDEO_FORMAT', `cannot decode video ${path}: truncated last frame`);
  } finally {
    if (!finished) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}
