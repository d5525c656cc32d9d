// SPDX-License-Identifier: Apache-2.0
// A small deterministic stand-in for the three TAPTR graphs. Like the real decoder it mixes
// information across points (per frame) and across frames (per point) only between tracked
// entries (spec §8.1), so online and offline runs must agree exactly.
import type { DecoderWindowInput, DecoderWindowOutput, MemoryView, TaptrGraphRunner } from '../src/graph-runner.js';

export const TOY_CHANNELS = 4;
const S = 2;

export interface ToyGraphs extends TaptrGraphRunner {
  /** Start frames (first memory element) of every decoded window, and each window's memory tags. */
  readonly windows: number[][];
  encoded: number;
}

export function createToyGraphs(resolution = 8): ToyGraphs {
  const C = TOY_CHANNELS;
  const windows: number[][] = [];
  const graphs: ToyGraphs = {
    resolution,
    tokens: S,
    channels: C,
    windows,
    encoded: 0,
    async encodeFrames(images, count, target) {
      const plane = resolution * resolution;
      const into = host(target);
      for (let b = 0; b < count; b++) {
        const m = into.subarray(b * S * C, (b + 1) * S * C);
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let i = 0; i < plane; i++) sum += images[(b * 3 + c) * plane + i]!;
          m[c] = sum / plane;
        }
        m[3] = graphs.encoded++;
        for (let i = C; i < S * C; i++) m[i] = Math.sin(i + m[0]!);
      }
    },
    async initQueries(memory, xyNorm, count) {
      const m = host(memory);
      const out = new Float32Array(count * C);
      for (let n = 0; n < count; n++) out.set([xyNorm[2 * n]!, xyNorm[2 * n + 1]!, m[0]!, m[1]!], n * C);
      return out;
    },
    async decodeWindow(input: DecoderWindowInput, output: DecoderWindowOutput) {
      const memory = host(input.memory);
      const K = memory.length / (S * C);
      const N = input.points;
      const frame = (k: number): Float32Array => memory.subarray(k * S * C, (k + 1) * S * C);
      windows.push(Array.from({ length: K }, (_, k) => frame(k)[3]!));
      const tr = (n: number, k: number): boolean => input.trackMask[n * K + k] === 1;
      const up = (n: number, k: number): boolean => input.updateMask[n * K + k] === 1;
      const frameMean = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        let s = 0;
        let c = 0;
        for (let n = 0; n < N; n++) {
          if (!tr(n, k)) continue;
          s += input.content[(k * N + n) * C]!;
          c++;
        }
        frameMean[k] = c > 0 ? s / c : 0;
      }
      const pointMean = new Float64Array(N);
      for (let n = 0; n < N; n++) {
        let s = 0;
        let c = 0;
        for (let k = 0; k < K; k++) {
          if (!tr(n, k)) continue;
          s += input.content[(k * N + n) * C + 1]!;
          c++;
        }
        pointMean[n] = c > 0 ? s / c : 0;
      }
      const { refUnsigOut, visLogits, contentOut } = output;
      refUnsigOut.set(input.refUnsig);
      contentOut.set(input.content);
      for (let k = 0; k < K; k++) {
        for (let n = 0; n < N; n++) {
          const row = k * N + n;
          const d = 0.3 * Math.tanh(frame(k)[0]! + frameMean[k]! + pointMean[n]! + input.initContent[row * C + 2]! + input.refUnsig[row * 4]!);
          visLogits.set([0.1, d * 10 - 0.5, -0.1], row * 3);
          if (!up(n, k)) continue;
          refUnsigOut[row * 4] = input.refUnsig[row * 4]! + d;
          refUnsigOut[row * 4 + 1] = input.refUnsig[row * 4 + 1]! - d / 2;
          contentOut[row * C] = input.content[row * C]! + d;
          contentOut[row * C + 1] = input.content[row * C + 1]! + frameMean[k]! * 0.1;
          contentOut[row * C + 3] = input.content[row * C + 3]! + 0.01;
        }
      }
    },
    async release() {},
  };
  return graphs;
}

/** The host floats of a toy memory view (the toy runner never allocates device memory). */
export function host(memory: MemoryView): Float32Array {
  if (!(memory instanceof Float32Array)) throw new Error('toy graphs: host memory expected');
  return memory;
}

/** A synthetic uint8 video `[T, H, W, 3]` (a moving gradient). */
export function syntheticVideo(T: number, H: number, W: number): Uint8Array {
  const data = new Uint8Array(T * H * W * 3);
  for (let t = 0; t < T; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < 3; c++) data[((t * H + y) * W + x) * 3 + c] = (x * 7 + y * 3 + t * 11 + c * 50 + ((x * y * (t + 1)) % 17)) & 255;
  return data;
}
