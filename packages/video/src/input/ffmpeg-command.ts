// SPDX-License-Identifier: Apache-2.0
import { spawn, spawnSync } from 'node:child_process';
import { TaptrError } from '@taptr/tensor';

/**
 * The ffmpeg executables taptr runs: `TAPTR_FFMPEG` / `TAPTR_FFPROBE` from the environment when
 * set, otherwise `ffmpeg` / `ffprobe` on the PATH.
 */
export function ffmpegCommand(tool: 'ffmpeg' | 'ffprobe', env: NodeJS.ProcessEnv = process.env): string {
  const override = tool === 'ffmpeg' ? env['TAPTR_FFMPEG'] : env['TAPTR_FFPROBE'];
  return override !== undefined && override !== '' ? override : tool;
}

/** The error raised when an ffmpeg executable cannot be started. */
export function ffmpegMissing(command: string, cause?: unknown): TaptrError {
  return new TaptrError(
    'TAPTR_VIDEO_FORMAT',
    `${command} was not found: video files need ffmpeg (install it, e.g. "apt-get install ffmpeg" or "brew install ffmpeg", or set TAPTR_FFMPEG/TAPTR_FFPROBE), or pass a folder of PNG frames or a .npy array instead`,
    { cause },
  );
}

/**
 * Runs a command to completion and returns its stdout; rejects with a {@link TaptrError}
 * (`TAPTR_VIDEO_FORMAT`) when it cannot start or exits non-zero (message = `what` + stderr's last line).
 */
export function runToCompletion(command: string, args: readonly string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? ffmpegMissing(command, e) : new TaptrError('TAPTR_VIDEO_FORMAT', `${what}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new TaptrError('TAPTR_VIDEO_FORMAT', `${what}: ${lastLine(Buffer.concat(err).toString('utf8')) || `${command} exited with code ${code}`}`));
    });
  });
}

/** Last non-empty line of a tool's stderr, for one-line error messages. */
export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? '';
}

/** True when the ffmpeg executable (see {@link ffmpegCommand}) runs. */
export function hasFfmpeg(env: NodeJS.ProcessEnv = process.env): boolean {
  const result = spawnSync(ffmpegCommand('ffmpeg', env), ['-version'], { stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}
