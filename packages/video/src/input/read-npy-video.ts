// SPDX-License-Identifier: Apache-2.0
import { open, readFile } from 'node:fs/promises';
import { formatShape, readNpy, readNpyHeader, TaptrError, type NpyHeader, type TensorView } from '@taptr/tensor';
import { type FrameSelection, selectFrames } from './frame-selection.js';
import { DEFAULT_FPS, videoFromTensor, type VideoSource } from './video-source.js';

/** Bytes read to find the header (a `[T, H, W, 3]` header is well under 200 bytes; longer ones are read in full). */
const HEADER_PROBE = 4096;
/** Longest header read (a longer declared length is left for readNpyHeader to refuse as truncated). */
const MAX_HEADER = 1 << 20;

function formatError(path: string, error: unknown): TaptrError {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new TaptrError('TAPTR_IO', `${path}: no such file`, { cause: error });
  return new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: ${(error as Error).message}`, { cause: error });
}

function checkVideoShape(path: string, type: string, d: readonly number[]): void {
  if (type !== 'uint8' || d.length !== 4 || d[3] !== 3 || d[0] === 0 || d[1] === 0 || d[2] === 0) {
    throw new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: a .npy video must be uint8 [T, H, W, 3], got ${type} ${formatShape(d)}`);
  }
}

/**
 * Opens a `.npy` video: uint8 `[T, H, W, 3]` (the layout of TAP-Vid's `video` arrays). Frames are
 * read from the file one at a time (only the selected ones, see `selection`), so memory does not
 * grow with the video's length; the file must hold exactly the bytes its header's shape needs.
 * @throws TaptrError `TAPTR_IO` when the file is missing, `TAPTR_VIDEO_FORMAT` naming the file, the
 *   expected and the actual dtype/shape (or what is wrong with the file).
 */
export async function readNpyVideo(path: string, fps: number = DEFAULT_FPS, selection: FrameSelection = {}): Promise<VideoSource> {
  let header: NpyHeader;
  let fileSize: number;
  try {
    const handle = await open(path, 'r');
    try {
      fileSize = (await handle.stat()).size;
      let prefix = new Uint8Array(Math.min(fileSize, HEADER_PROBE));
      await handle.read(prefix, 0, prefix.length, 0);
      // A header longer than the probe (versions 2.0/3.0 declare a 32-bit length at byte 8).
      const declared =
        prefix.length >= 12
          ? 10 + new DataView(prefix.buffer).getUint16(8, true) + (prefix[6] === 1 ? 0 : 2 + 65536 * new DataView(prefix.buffer).getUint16(10, true))
          : 0;
      if (declared > prefix.length && declared <= Math.min(fileSize, MAX_HEADER)) {
        prefix = new Uint8Array(declared);
        await handle.read(prefix, 0, declared, 0);
      }
      header = readNpyHeader(prefix);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw formatError(path, error);
  }
  if (header.fortranOrder || !/^[|<>=]u1$/.test(header.descr)) {
    // Rare for videos (Fortran order), or not a video at all (another dtype: decoded whole so that
    // the message names the dtype as the library does): read it whole.
    let view: TensorView;
    try {
      view = readNpy(new Uint8Array(await readFile(path)));
    } catch (error) {
      throw formatError(path, error);
    }
    checkVideoShape(path, view.type, view.dims);
    return selectTensorFrames(videoFromTensor(view as TensorView<'uint8'>, path, fps), view as TensorView<'uint8'>, selection);
  }
  checkVideoShape(path, 'uint8', header.shape);
  const [frameCount, height, width] = header.shape as [number, number, number, number];
  const frameBytes = width * height * 3;
  const needs = frameCount * frameBytes;
  const available = fileSize - header.dataOffset;
  if (needs !== available) {
    const what =
      needs > available
        ? `truncated data: shape (${header.shape.join(', ')}) of ${header.descr} needs ${needs} bytes, the file has ${available}`
        : `data length mismatch: shape (${header.shape.join(', ')}) of ${header.descr} needs ${needs} bytes, the file has ${available} (${available - needs} trailing bytes)`;
    throw new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: readNpy: ${what}`);
  }
  const sel = selectFrames(frameCount, selection, path);
  const count = sel.count!;
  return {
    path,
    kind: 'npy',
    width,
    height,
    frameCount: count,
    fps,
    ...(count !== frameCount ? { origin: { width, height, start: sel.start, stride: sel.stride, frameCount } } : {}),
    async *frames() {
      const handle = await open(path, 'r').catch((error: unknown) => {
        throw formatError(path, error);
      });
      try {
        for (let t = 0; t < count; t++) {
          const frame = new Uint8Array(frameBytes);
          const { bytesRead } = await handle.read(frame, 0, frameBytes, header.dataOffset + (sel.start + t * sel.stride) * frameBytes);
          if (bytesRead !== frameBytes)
            throw new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: frame ${sel.start + t * sel.stride} is truncated (the file changed while it was read)`);
          yield frame;
        }
      } finally {
        await handle.close();
      }
    },
  };
}

/** The selected frames of an in-memory video (views, no copy). */
function selectTensorFrames(source: VideoSource, video: TensorView<'uint8'>, selection: FrameSelection): VideoSource {
  const sel = selectFrames(source.frameCount, selection, source.path);
  const count = sel.count!;
  const frameBytes = source.width * source.height * 3;
  return {
    ...source,
    frameCount: count,
    ...(count !== source.frameCount
      ? { origin: { width: source.width, height: source.height, start: sel.start, stride: sel.stride, frameCount: source.frameCount } }
      : {}),
    async *frames() {
      for (let t = 0; t < count; t++) {
        const f = sel.start + t * sel.stride;
        yield video.data.subarray(f * frameBytes, (f + 1) * frameBytes);
      }
    },
  };
}
