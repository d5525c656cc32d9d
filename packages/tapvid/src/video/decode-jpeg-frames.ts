// SPDX-License-Identifier: Apache-2.0
import { TaptrError, tensor, type TensorView } from '@taptr/tensor';
import jpeg from 'jpeg-js';
import { readJpegHeader, type JpegHeader } from './jpeg-header.js';

// libjpeg's YCbCr -> RGB tables (jdcolor.c, 16-bit fixed point).
const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number): number => Math.floor(x * (1 << SCALEBITS) + 0.5);
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = Math.floor((fix(1.402) * x + ONE_HALF) / (1 << SCALEBITS));
  CB_B[i] = Math.floor((fix(1.772) * x + ONE_HALF) / (1 << SCALEBITS));
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF;
}
const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/** libjpeg's "fancy" (triangular) upsampling of one row by 2 (h2v1 / the horizontal half of h2v2). */
function upsampleRowH2(sums: Int32Array, n: number, outW: number, out: Uint8Array, outOffset: number, stride: number, scale: 4 | 16): void {
  // `sums` are the input column values (h2v1, scale 4) or 3*near + far row sums (h2v2, scale 16).
  const put = (x: number, value: number): void => {
    if (x < outW) out[outOffset + x * stride] = value;
  };
  if (n === 1) {
    put(0, scale === 4 ? sums[0]! : (sums[0]! * 4 + 8) >> 4);
    put(1, scale === 4 ? sums[0]! : (sums[0]! * 4 + 7) >> 4);
    return;
  }
  if (scale === 4) {
    put(0, sums[0]!);
    put(1, (sums[0]! * 3 + sums[1]! + 2) >> 2);
    for (let i = 1; i < n - 1; i++) {
      const v = sums[i]! * 3;
      put(2 * i, (v + sums[i - 1]! + 1) >> 2);
      put(2 * i + 1, (v + sums[i + 1]! + 2) >> 2);
    }
    put(2 * n - 2, (sums[n - 1]! * 3 + sums[n - 2]! + 1) >> 2);
    put(2 * n - 1, sums[n - 1]!);
  } else {
    put(0, (sums[0]! * 4 + 8) >> 4);
    put(1, (sums[0]! * 3 + sums[1]! + 7) >> 4);
    for (let i = 1; i < n - 1; i++) {
      const v = sums[i]! * 3;
      put(2 * i, (v + sums[i - 1]! + 8) >> 4);
      put(2 * i + 1, (v + sums[i + 1]! + 7) >> 4);
    }
    put(2 * n - 2, (sums[n - 1]! * 3 + sums[n - 2]! + 8) >> 4);
    put(2 * n - 1, (sums[n - 1]! * 4 + 7) >> 4);
  }
}

/**
 * Converts jpeg-js's untransformed output (Y, Cb, Cr with chroma replicated to full size) to RGB
 * the way libjpeg(-turbo) does by default: chroma "fancy" upsampling (h2v1 or h2v2) from the
 * subsampled planes, then libjpeg's fixed-point YCbCr -> RGB tables. Writes `out` (RGB, H*W*3).
 */
function ycbcrToRgbLikeLibjpeg(ycc: Uint8Array, W: number, H: number, h2: boolean, v2: boolean, out: Uint8Array): void {
  const cw = h2 ? (W + 1) >> 1 : W;
  const ch = v2 ? (H + 1) >> 1 : H;
  const chroma = new Uint8Array(W * H * 2);
  const sums = new Int32Array(cw);
  const plane = (c: 1 | 2, x: number, y: number): number => ycc[((v2 ? y * 2 : y) * W + (h2 ? x * 2 : x)) * 3 + c]!;
  for (const c of [1, 2] as const) {
    for (let y = 0; y < H; y++) {
      const cy = v2 ? y >> 1 : y;
      if (!h2 && !v2) {
        for (let x = 0; x < W; x++) chroma[(y * W + x) * 2 + c - 1] = plane(c, x, cy);
        continue;
      }
      if (v2) {
        // Upper output row of a pair mixes with the row above, lower with the row below (edges replicate).
        const other = y % 2 === 0 ? Math.max(cy - 1, 0) : Math.min(cy + 1, ch - 1);
        for (let x = 0; x < cw; x++) sums[x] = plane(c, x, cy) * 3 + plane(c, x, other);
        if (h2) {
          upsampleRowH2(sums, cw, W, chroma, y * W * 2 + c - 1, 2, 16);
        } else {
          for (let x = 0; x < W; x++) chroma[(y * W + x) * 2 + c - 1] = (sums[x]! + (y % 2 === 0 ? 1 : 2)) >> 2;
        }
      } else {
        for (let x = 0; x < cw; x++) sums[x] = plane(c, x, cy);
        upsampleRowH2(sums, cw, W, chroma, y * W * 2 + c - 1, 2, 4);
      }
    }
  }
  for (let i = 0; i < W * H; i++) {
    const y = ycc[i * 3]!;
    const cb = chroma[i * 2]!;
    const cr = chroma[i * 2 + 1]!;
    out[i * 3] = clamp(y + CR_R[cr]!);
    out[i * 3 + 1] = clamp(y + ((CB_G[cb]! + CR_G[cr]!) >> SCALEBITS));
    out[i * 3 + 2] = clamp(y + CB_B[cb]!);
  }
}

function decodeOne(bytes: Uint8Array, layout: JpegHeader): { width: number; height: number; data: Uint8Array } {
  const comps = layout.components;
  const ycc =
    comps.length === 3 && layout.adobeTransform !== 0 &&
    comps[1]!.h === 1 && comps[1]!.v === 1 && comps[2]!.h === 1 && comps[2]!.v === 1 &&
    (comps[0]!.h === 1 || comps[0]!.h === 2) && (comps[0]!.v === 1 || comps[0]!.v === 2);
  if (!ycc) return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  const raw = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, colorTransform: false });
  const rgb = new Uint8Array(raw.width * raw.height * 3);
  ycbcrToRgbLikeLibjpeg(raw.data, raw.width, raw.height, comps[0]!.h === 2, comps[0]!.v === 2, rgb);
  return { width: raw.width, height: raw.height, data: rgb };
}

/**
 * Decodes a list of JPEG files (one per frame, e.g. the items of a TAP-Vid-Kinetics `video`
 * bytes array) into RGB frames. Entropy decoding and the IDCT are jpeg-js's; for YCbCr images
 * the chroma upsampling ("fancy", triangular) and the YCbCr -> RGB conversion follow libjpeg, as
 * Pillow does, so results are within a few levels of Pillow (the IDCTs differ slightly).
 * @param frames - T JPEG files.
 * @returns `[T, H, W, 3]` uint8.
 * Each file's marker segments are checked first ({@link readJpegHeader}), so corrupt headers and
 * truncated data are refused before the decoder runs.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` for an undecodable frame or frames of different sizes.
 */
export function decodeJpegFrames(frames: readonly Uint8Array[]): TensorView<'uint8'> {
  if (frames.length === 0) return tensor('uint8', [0, 0, 0, 3]);
  // Every header is checked (and every size compared) before any pixel is decoded.
  const headers = frames.map((bytes, t) => {
    try {
      return readJpegHeader(bytes);
    } catch (error) {
      throw new TaptrError('TAPTR_VIDEO_FORMAT', `decodeJpegFrames: frame ${t} is not a decodable JPEG (${bytes.length} bytes): ${(error as Error).message}`, { cause: error });
    }
  });
  const { width: W, height: H } = headers[0]!;
  headers.forEach((header, t) => {
    if (header.width !== W || header.height !== H) throw new TaptrError('TAPTR_VIDEO_FORMAT', `decodeJpegFrames: frame ${t} is ${header.width}x${header.height}, frame 0 is ${W}x${H}`);
  });
  const out = tensor('uint8', [frames.length, H, W, 3]);
  frames.forEach((bytes, t) => {
    let image: { width: number; height: number; data: Uint8Array };
    try {
      image = decodeOne(bytes, headers[t]!);
    } catch (error) {
      throw new TaptrError('TAPTR_VIDEO_FORMAT', `decodeJpegFrames: frame ${t} is not a decodable JPEG (${bytes.length} bytes): ${(error as Error).message}`, { cause: error });
    }
    if (image.height !== H || image.width !== W || image.data.length !== H * W * 3) {
      throw new TaptrError('TAPTR_VIDEO_FORMAT', `decodeJpegFrames: frame ${t} decoded to ${image.width}x${image.height}, its header says ${W}x${H}`);
    }
    out.data.set(image.data, t * H * W * 3);
  });
  return out;
}
