// SPDX-License-Identifier: Apache-2.0
import { isTaptrError, TaptrError, tensor, type TensorView } from '@taptr/tensor';
import { readJpegHeader } from './jpeg-header.js';
import { decodeJpegRgb } from './mozjpeg-decoder.js';

/**
 * Decodes a list of JPEG files (one per frame, e.g. the items of a TAP-Vid-Kinetics `video`
 * bytes array) into RGB frames with MozJPEG (libjpeg-turbo's decoder in wasm, `@jsquash/jpeg`): the
 * islow IDCT, "fancy" chroma upsampling and YCbCr -> RGB of libjpeg-turbo, as Pillow uses them, so
 * frames are identical to Pillow's `np.asarray(Image.open(f).convert('RGB'))` (tested on 4:4:4,
 * 4:2:2 and 4:2:0 files). Synchronous; in Node.js the wasm is compiled on first use, elsewhere
 * await `initJpegDecoder` once first.
 * @param frames - T JPEG files.
 * @returns `[T, H, W, 3]` uint8.
 * Each file's marker segments are checked first ({@link readJpegHeader}), so corrupt headers and
 * truncated data are refused before the decoder runs; data libjpeg finds ending early is refused too
 * (Pillow's "image file is truncated").
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` for an undecodable frame or frames of different sizes;
 *   `TAPTR_NO_RUNTIME` outside Node.js when `initJpegDecoder` was not awaited.
 */
export function decodeJpegFrames(frames: readonly Uint8Array[]): TensorView<'uint8'> {
  if (frames.length === 0) return tensor('uint8', [0, 0, 0, 3]);
  // Every header is checked (and every size compared) before any pixel is decoded.
  const headers = frames.map((bytes, t) => {
    try {
      return readJpegHeader(bytes);
    } catch (error) {
      throw new TaptrError('TAPTR_VIDEO_FORMAT', `decodeJpegFrames: frame ${t} is not a decodable JPEG (${bytes.length} bytes): ${(error as Error).message}`, {
        cause: error,
      });
    }
  });
  const { width: W, height: H } = headers[0]!;
  headers.forEach((header, t) => {
    if (header.width !== W || header.height !== H)
      throw new TaptrError('TAPTR_VIDEO_FORMAT', `decodeJpegFrames: frame ${t} is ${header.width}x${header.height}, frame 0 is ${W}x${H}`);
  });
  const out = tensor('uint8', [frames.length, H, W, 3]);
  frames.forEach((bytes, t) => {
    let image: { width: number; height: number; data: Uint8Array };
    try {
      image = decodeJpegRgb(bytes);
    } catch (error) {
      if (isTaptrError(error)) throw error; // the decoder itself could not be loaded
      throw new TaptrError('TAPTR_VIDEO_FORMAT', `decodeJpegFrames: frame ${t} is not a decodable JPEG (${bytes.length} bytes): ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (image.height !== H || image.width !== W || image.data.length !== H * W * 3) {
      throw new TaptrError('TAPTR_VIDEO_FORMAT', `decodeJpegFrames: frame ${t} decoded to ${image.width}x${image.height}, its header says ${W}x${H}`);
    }
    out.data.set(image.data, t * H * W * 3);
  });
  return out;
}
