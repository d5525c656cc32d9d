// SPDX-License-Identifier: Apache-2.0
import { stat } from 'node:fs/promises';
import { TaptrError } from '@taptr/tensor';
import { readNpyVideo } from './read-npy-video.js';
import { readFrameFolder } from './read-frame-folder.js';
import { readVideoFile } from './read-video-file.js';
import type { VideoSource } from './video-source.js';

/**
 * Opens any supported video input: a folder of PNG or JPEG frames, a `.npy` uint8 `[T, H, W, 3]`, or a
 * video file decoded with ffmpeg (mp4, webm, mov, mkv, ...).
 * @throws TaptrError `TAPTR_IO` when the path does not exist, `TAPTR_VIDEO_FORMAT` when it cannot be decoded.
 */
export async function openVideo(path: string, env: NodeJS.ProcessEnv = process.env): Promise<VideoSource> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `${path}: no such file or folder`, { cause: error });
  }
  if (isDir) return readFrameFolder(path);
  if (path.toLowerCase().endsWith('.npy')) return readNpyVideo(path);
  return readVideoFile(path, env);
}
