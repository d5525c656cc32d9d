// SPDX-License-Identifier: Apache-2.0
import { TaptrError, tensor, type TensorView } from '@taptr/tensor';
import jpeg from 'jpeg-js';

/**
 * Decodes a list of JPEG files (one per frame, e.g. the items of a TAP-Vid-Kinetics `video`
 * bytes array) into RGB frames with jpeg-js. Pixel values can differ from Pillow/libjpeg-turbo by
 * a few levels (different IDCT and chroma upsampling); the frame sizes are identical.
 * @param frames - T JPEG files.
 * @returns `[T, H, W, 3]` uint8.
 * @throws TaptrError `TAPTR_DATASET_FORMAT` for an undecodable frame or frames of different sizes.
 */
export function decodeJpegFrames(frames: readonly Uint8Array[]): TensorView<'uint8'> {
  if (frames.length === 0) return tensor('uint8', [0, 0, 0, 3]);
  let out: TensorView<'uint8'> | undefined;
  frames.forEach((bytes, t) => {
    let image: { width: number; height: number; data: Uint8Array };
    try {
      image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
    } catch (error) {
      throw new TaptrError('TAPTR_DATASET_FORMAT', `decodeJpegFrames: frame ${t} is not a decodable JPEG (${bytes.length} bytes): ${(error as Error).message}`, { cause: error });
    }
    if (out === undefined) out = tensor('uint8', [frames.length, image.height, image.width, 3]);
    const [, H, W] = out.dims as [number, number, number, number];
    if (image.height !== H || image.width !== W || image.data.length !== H * W * 3) {
      throw new TaptrError('TAPTR_DATASET_FORMAT', `decodeJpegFrames: frame ${t} is ${image.width}x${image.height}, frame 0 is ${W}x${H}`);
    }
    out.data.set(image.data, t * H * W * 3);
  });
  return out!;
}
