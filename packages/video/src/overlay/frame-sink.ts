// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { PNG } from 'pngjs';
import { TaptrError } from '@taptr/tensor';
import { ffmpegCommand, ffmpegMissing, lastLine } from '../input/ffmpeg-command.js';
import type { RgbImage } from './rgb-image.js';

/** Where rendered frames go: a video file or a folder of PNG frames. */
export interface FrameSink {
  /** The file or folder written. */
  readonly path: string;
  /** Appends one frame (all frames must have the same size). */
  write(image: RgbImage): Promise<void>;
  /** Finishes the output; the file is complete once this resolves. */
  close(): Promise<void>;
}

/** Video file extensions written with ffmpeg (H.264; VP9 for .webm). */
export const VIDEO_EXTENSIONS: readonly string[] = ['.mp4', '.mov', '.mkv', '.webm'];

/** What an overlay path names: a video file encoded with ffmpeg, or a folder of PNG frames. */
export type OverlayTarget = 'video' | 'png-folder';

/** The accepted overlay paths, in words (for `--help` and errors). */
export const OVERLAY_FORMS = 'a video file ending in .mp4, .mov, .mkv or .webm, or a folder for PNG frames (a path without an extension, or ending in /)';

/**
 * Classifies an overlay path: a video when it ends in one of {@link VIDEO_EXTENSIONS}, a folder of
 * PNG frames when it ends in a path separator or has no extension, `undefined` otherwise (e.g.
 * `out.gif`: an unknown extension is refused rather than taken for a folder name).
 */
export function overlayTarget(path: string): OverlayTarget | undefined {
  if (path.endsWith('/') || path.endsWith(sep)) return 'png-folder';
  const ext = extname(path).toLowerCase();
  if (VIDEO_EXTENSIONS.includes(ext)) return 'video';
  return ext === '' ? 'png-folder' : undefined;
}

/**
 * Encodes an RGB image to a PNG file.
 * @throws TaptrError `TAPTR_IO` when the file cannot be written.
 */
export async function writePng(path: string, image: RgbImage): Promise<void> {
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0; i < image.width * image.height; i++) {
    png.data[i * 4] = image.data[i * 3]!;
    png.data[i * 4 + 1] = image.data[i * 3 + 1]!;
    png.data[i * 4 + 2] = image.data[i * 3 + 2]!;
    png.data[i * 4 + 3] = 255;
  }
  try {
    await writeFile(path, PNG.sync.write(png));
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
}

/** Writes frames as `frame_00000.png`, `frame_00001.png`, ... into `dir` (created if needed). */
export async function openPngFrameSink(dir: string): Promise<FrameSink> {
  await mkdir(dir, { recursive: true });
  let index = 0;
  return {
    path: dir,
    write: (image) => writePng(join(dir, `frame_${String(index++).padStart(5, '0')}.png`), image),
    close: async () => {},
  };
}

/**
 * Encodes frames into a video file with ffmpeg (rgb24 frames on its stdin; H.264 `yuv420p` for
 * .mp4/.mov/.mkv, VP9 for .webm; odd sizes are padded by one pixel).
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` when ffmpeg is missing or fails.
 */
export function openVideoSink(path: string, width: number, height: number, fps: number, env: NodeJS.ProcessEnv = process.env): FrameSink {
  const ffmpeg = ffmpegCommand('ffmpeg', env);
  const codec = path.toLowerCase().endsWith('.webm')
    ? ['-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '32']
    : ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18'];
  const child = spawn(
    ffmpeg,
    [
      '-v',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${width}x${height}`,
      '-r',
      String(fps),
      '-i',
      'pipe:0',
      '-vf',
      'pad=ceil(iw/2)*2:ceil(ih/2)*2',
      ...codec,
      '-pix_fmt',
      'yuv420p',
      path,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const err: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let failure: Error | undefined;
  child.on('error', (e: NodeJS.ErrnoException) => {
    failure = e.code === 'ENOENT' ? ffmpegMissing(ffmpeg, e) : new TaptrError('TAPTR_VIDEO_FORMAT', `cannot write ${path}: ${e.message}`, { cause: e });
  });
  child.stdin.on('error', () => {
    // EPIPE when ffmpeg exits early; the exit code and stderr explain why (reported by close()).
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const encodeFailure = async (): Promise<Error> => {
    const code = await exited;
    return (
      failure ??
      new TaptrError('TAPTR_VIDEO_FORMAT', `cannot write ${path}: ${lastLine(Buffer.concat(err).toString('utf8')) || `ffmpeg exited with code ${code}`}`)
    );
  };
  return {
    path,
    async write(image) {
      if (image.width !== width || image.height !== height)
        throw new RangeError(`openVideoSink: frame must be ${width}x${height}, got ${image.width}x${image.height}`);
      if (failure !== undefined || child.exitCode !== null) throw await encodeFailure();
      if (!child.stdin.write(image.data)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            child.stdin.off('drain', done);
            child.off('close', done);
            resolve();
          };
          child.stdin.once('drain', done);
          child.once('close', done);
        });
      }
    },
    async close() {
      child.stdin.end();
      const code = await exited;
      if (code !== 0 || failure !== undefined) throw await encodeFailure();
    },
  };
}
