// SPDX-License-Identifier: Apache-2.0
import { stat } from 'node:fs/promises';
import { TaptrError } from '@taptr/tensor';
import type { FrameSelection } from './frame-selection.js';
import { readNpyVideo } from './read-npy-video.js';
import { resizeVideo } from './resize-frames.js';
import { readFrameFolder } from './read-frame-folder.js';
import { readVideoFile } from './read-video-file.js';
import { DEFAULT_FPS, type VideoSource } from './video-source.js';

/** Options of {@link openVideo}: which frames to read, and at what size. */
export interface OpenVideoOptions extends FrameSelection {
  /**
   * Resize the frames while reading so that the short side is this many pixels (aspect kept, never
   * upscaled; see `resizedSize`): ffmpeg scales video files (Lanczos), frame folders and `.npy` are
   * resized with `resizeVideoLanczos`. The source's `origin` keeps the original size.
   */
  readonly resize?: number;
}

/**
 * Opens any supported video input: a folder of PNG or JPEG frames, a `.npy` uint8 `[T, H, W, 3]`, or a
 * video file decoded with ffmpeg (mp4, webm, mov, mkv, ...). `options` selects frames
 * (`frames[start:end:stride]`, at most `maxFrames`) and resizes them while reading, so memory and
 * decode time follow what is kept; the source's `origin` says where its frames come from.
 * @throws TaptrError `TAPTR_IO` when the path does not exist, `TAPTR_VIDEO_FORMAT` when it cannot be
 *   decoded, `TAPTR_INVALID_ARGUMENT` when `start` is past the end; RangeError for a malformed selection.
 */
export async function openVideo(path: string, env: NodeJS.ProcessEnv = process.env, options: OpenVideoOptions = {}): Promise<VideoSource> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `${path}: no such file or folder`, { cause: error });
  }
  if (!isDir && !path.toLowerCase().endsWith('.npy')) return readVideoFile(path, env, options);
  const video = isDir ? await readFrameFolder(path, DEFAULT_FPS, options) : await readNpyVideo(path, DEFAULT_FPS, options);
  return options.resize === undefined ? video : resizeVideo(video, options.resize);
}
