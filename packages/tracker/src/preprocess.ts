// SPDX-License-Identifier: Apache-2.0

/** ImageNet channel means (RGB) used by TAPTR's normalisation (spec §2). */
export const IMAGENET_MEAN: readonly [number, number, number] = Object.freeze<[number, number, number]>([0.485, 0.456, 0.406]);
/** ImageNet channel standard deviations (RGB). */
export const IMAGENET_STD: readonly [number, number, number] = Object.freeze<[number, number, number]>([0.229, 0.224, 0.225]);

/**
 * Linear-interpolation taps for one axis (PyTorch `upsample_bilinear2d`, align_corners=False, no
 * antialias), computed in float32 as PyTorch does.
 */
interface AxisTaps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly w0: Float32Array;
  readonly w1: Float32Array;
}

function axisTaps(inSize: number, outSize: number): AxisTaps {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  const f = Math.fround;
  const scale = f(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    let src = f(f(scale * f(o + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.min(Math.floor(src), inSize - 1);
    const lambda = f(Math.min(Math.max(f(src - lo), 0), 1));
    i0[o] = lo;
    i1[o] = lo < inSize - 1 ? lo + 1 : lo;
    w1[o] = lambda;
    w0[o] = f(1 - lambda);
  }
  return { i0, i1, w0, w1 };
}

/** A preprocessing function bound to one input size; see {@link createFramePreprocessor}. */
export interface FramePreprocessor {
  /** Input height H and width W in pixels. */
  readonly height: number;
  readonly width: number;
  /** Model resolution R (output is R x R). */
  readonly resolution: number;
  /**
   * Converts one RGB frame to the model input.
   * @param pixels - `[H, W, channels]` uint8, row-major; channels 3 (RGB) or 4 (RGBA, alpha ignored).
   * @param out - destination, `[3, R, R]` float32 written at `offset` (elements).
   */
  run(pixels: ArrayLike<number>, channels: 3 | 4, out: Float32Array, offset?: number): void;
}

/**
 * Creates the evaluation-path preprocessing of spec §2 for frames of size H x W: value / 255,
 * bilinear resize to R x R (align_corners=False, no antialias, as torchvision 0.14 on tensors;
 * returned unchanged when already R x R), then (x - mean) / std with the ImageNet statistics.
 * Arithmetic is float32 like PyTorch's CPU kernels.
 */
export function createFramePreprocessor(height: number, width: number, resolution: number): FramePreprocessor {
  const same = height === resolution && width === resolution;
  const ty = axisTaps(height, resolution);
  const tx = axisTaps(width, resolution);
  const f = Math.fround;
  const mean = IMAGENET_MEAN.map(f);
  const std = IMAGENET_STD.map(f);
  const plane = resolution * resolution;
  const row = new Float32Array(width);
  const rowB = new Float32Array(width);
  const run = (pixels: ArrayLike<number>, channels: 3 | 4, out: Float32Array, offset = 0): void => {
    for (let c = 0; c < 3; c++) {
      const m = mean[c]!;
      const s = std[c]!;
      const base = offset + c * plane;
      if (same) {
        for (let i = 0; i < plane; i++) out[base + i] = f(f(f(pixels[i * channels + c]! / 255) - m) / s);
        continue;
      }
      for (let oy = 0; oy < resolution; oy++) {
        const y0 = ty.i0[oy]!;
        const y1 = ty.i1[oy]!;
        const wy0 = ty.w0[oy]!;
        const wy1 = ty.w1[oy]!;
        for (let x = 0; x < width; x++) {
          row[x] = f(pixels[(y0 * width + x) * channels + c]! / 255);
          rowB[x] = f(pixels[(y1 * width + x) * channels + c]! / 255);
        }
        const o = base + oy * resolution;
        for (let ox = 0; ox < resolution; ox++) {
          const x0 = tx.i0[ox]!;
          const x1 = tx.i1[ox]!;
          const wx0 = tx.w0[ox]!;
          const wx1 = tx.w1[ox]!;
          const top = f(f(wx0 * row[x0]!) + f(wx1 * row[x1]!));
          const bottom = f(f(wx0 * rowB[x0]!) + f(wx1 * rowB[x1]!));
          const v = f(f(wy0 * top) + f(wy1 * bottom));
          out[o + ox] = f(f(v - m) / s);
        }
      }
    }
  };
  return { height, width, resolution, run };
}
