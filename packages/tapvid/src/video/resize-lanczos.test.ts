// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { resizeVideoLanczos } from './resize-lanczos.js';

/** Independent float reference: separable Lanczos-3 (support scaled on downscale), uint8 rounding after each pass. */
function reference(src: Uint8Array, H: number, W: number, C: number, outH: number, outW: number): Uint8Array {
  const lanczos = (x: number): number => {
    if (x <= -3 || x >= 3) return 0;
    if (x === 0) return 1;
    return (3 * Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / 3)) / (Math.PI * Math.PI * x * x);
  };
  const pass = (get: (i: number) => number, inSize: number, outSize: number): number[] => {
    const scale = inSize / outSize;
    const fs = Math.max(scale, 1);
    const out: number[] = [];
    for (let o = 0; o < outSize; o++) {
      const center = (o + 0.5) * scale;
      let sum = 0;
      let norm = 0;
      for (let i = 0; i < inSize; i++) {
        const w = lanczos((i + 0.5 - center) / fs);
        sum += w * get(i);
        norm += w;
      }
      out.push(Math.min(255, Math.max(0, Math.round(sum / norm))));
    }
    return out;
  };
  const mid = new Uint8Array(H * outW * C);
  for (let y = 0; y < H; y++) for (let c = 0; c < C; c++) pass((i) => src[(y * W + i) * C + c]!, W, outW).forEach((v, x) => (mid[(y * outW + x) * C + c] = v));
  const out = new Uint8Array(outH * outW * C);
  for (let x = 0; x < outW; x++)
    for (let c = 0; c < C; c++) pass((i) => mid[(i * outW + x) * C + c]!, H, outH).forEach((v, y) => (out[(y * outW + x) * C + c] = v));
  return out;
}

function noise(length: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length }, () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s >> 23;
  });
}

describe('resizeVideoLanczos', () => {
  it('matches hand-computed values (2 -> 1 pixels: two equal taps of 2^21, Pillow fixed point)', () => {
    // weights 0.5, 0.5 -> 2^21 each; (2^21 + (a + b) * 2^21) >> 22 = floor((1 + a + b) / 2)
    const video = tensor('uint8', [1, 1, 2, 1], Uint8Array.from([0, 255]));
    expect([...resizeVideoLanczos(video, 1, 1).data]).toEqual([128]);
    expect([...resizeVideoLanczos(tensor('uint8', [1, 1, 2, 1], Uint8Array.from([10, 13])), 1, 1).data]).toEqual([12]);
    // 1 pixel -> 2 pixels: one tap of weight 1 each.
    expect([...resizeVideoLanczos(tensor('uint8', [1, 1, 1, 3], Uint8Array.from([7, 8, 9])), 1, 2).data]).toEqual([7, 8, 9, 7, 8, 9]);
  });

  it('keeps constant frames constant and returns the input when the size matches', () => {
    const video = tensor('uint8', [2, 5, 7, 3], new Uint8Array(2 * 5 * 7 * 3).fill(200));
    const up = resizeVideoLanczos(video, 16, 16);
    expect(up.dims).toEqual([2, 16, 16, 3]);
    expect(up.data.every((v) => v === 200)).toBe(true);
    expect(resizeVideoLanczos(video, 5, 7)).toBe(video);
  });

  it('stays within one level of a float reference (up- and downscaling, 3 channels)', () => {
    for (const [H, W, outH, outW] of [
      [12, 20, 31, 17],
      [40, 33, 9, 8],
      [8, 8, 256, 256],
    ] as const) {
      const src = noise(H * W * 3, H * 1000 + W);
      const out = resizeVideoLanczos(tensor('uint8', [1, H, W, 3], src), outH, outW);
      const ref = reference(src, H, W, 3, outH, outW);
      let maxDiff = 0;
      for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out.data[i]! - ref[i]!));
      expect(maxDiff, `${H}x${W} -> ${outH}x${outW}`).toBeLessThanOrEqual(1);
    }
  });

  it('processes frames independently and mirrors symmetric input', () => {
    const frame = noise(6 * 6, 9);
    const sym = new Uint8Array(6 * 12);
    for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) sym[y * 12 + x] = sym[y * 12 + 11 - x] = frame[y * 6 + x]!;
    const out = resizeVideoLanczos(tensor('uint8', [1, 6, 12, 1], sym), 5, 10);
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) expect(out.data[y * 10 + x]).toBe(out.data[y * 10 + 9 - x]);
  });

  it('validates its arguments', () => {
    expect(() => resizeVideoLanczos(tensor('float32', [1, 2, 2, 3]), 4, 4)).toThrow(TypeError);
    expect(() => resizeVideoLanczos(tensor('uint8', [1, 2, 2, 3]), 0, 4)).toThrow(/height must be a positive integer/);
  });
});
