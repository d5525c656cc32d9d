// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { formatShape, readNpy, TaptrError, type TensorView } from '@taptr/tensor';
import { DEFAULT_FPS, videoFromTensor, type VideoSource } from './video-source.js';

/**
 * Opens a `.npy` video: uint8 `[T, H, W, 3]` (the layout of TAP-Vid's `video` arrays).
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` naming the file, the expected and the actual dtype/shape.
 */
export async function readNpyVideo(path: string, fps: number = DEFAULT_FPS): Promise<VideoSource> {
  let view: TensorView;
  try {
    view = readNpy(new Uint8Array(await readFile(path)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TaptrError('TAPTR_IO', `${path}: no such file`, { cause: error });
    throw new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: ${(error as Error).message}`, { cause: error });
  }
  const d = view.dims;
  if (view.type !== 'uint8' || d.length !== 4 || d[3] !== 3 || d[0] === 0 || d[1] === 0 || d[2] === 0) {
    throw new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: a .npy video must be uint8 [T, H, W, 3], got ${view.type} ${formatShape(d)}`);
  }
  const source = videoFromTensor(view as TensorView<'uint8'>, path, fps);
  return source;
}
