// SPDX-License-Identifier: Apache-2.0
// Cases from the TAPTR reference fixtures (outputs of the official PyTorch model): the query features
// `first.query_sampled`, which TAPTR samples from the memory of each query frame (taptr-spec §6).
import { tensor, type TensorView } from '@taptr/tensor';
import { loadNpy } from '@taptr/tensor/testing';
import type { BilinearGatherCase } from './cases.js';

/** Token layout of the memory: (h, w) per level and level starts, from the fixture's own files. */
function levelLayout(dir: string): { shapes: [number, number][]; starts: number[] } {
  const shapes = loadNpy(dir, 'first.spatial_shapes.npy');
  const starts = loadNpy(dir, 'first.level_start_index.npy');
  const levels = shapes.dims[0]!;
  return {
    shapes: Array.from({ length: levels }, (_, l) => [Number(shapes.data[2 * l]), Number(shapes.data[2 * l + 1])] as [number, number]),
    starts: Array.from({ length: levels }, (_, l) => Number(starts.data[l])),
  };
}

const ints = (t: TensorView) => Array.from(t.data as ArrayLike<number | bigint>, Number);

/**
 * `first.query_sampled` as bilinearGather cases, one per query frame in `first.frames_kept` and level:
 * the frame's memory `[S, C]` (`first.memory_qframes`) sampled at the normalized `first.query_xy_norm` of
 * the points queried on that frame, with border padding at pixel (x·(h_l − 1), y·(w_l − 1)) — TAPTR's
 * scaling (x by the height), given as `pixelScale` [h_l − 1, w_l − 1] — in the rows of level l.
 */
export function querySampledCases(dir: string, atol: number): BilinearGatherCase[] {
  const memory = loadNpy(dir, 'first.memory_qframes.npy');
  const kept = ints(loadNpy(dir, 'first.frames_kept.npy'));
  const queryFrames = ints(loadNpy(dir, 'first.query_frames.npy'));
  const xy = loadNpy(dir, 'first.query_xy_norm.npy') as TensorView<'float32'>;
  const sampled = loadNpy(dir, 'first.query_sampled.npy') as TensorView<'float32'>;
  const [, s, c] = memory.dims as [number, number, number];
  const { shapes, starts } = levelLayout(dir);
  return kept.flatMap((frame, k) => {
    const points = queryFrames.flatMap((q, n) => (q === frame ? [n] : []));
    if (points.length === 0) return [];
    const table = tensor('float32', [s, c], (memory.data as Float32Array).slice(k * s * c, (k + 1) * s * c));
    const positions = tensor('float32', [points.length, 2], Float32Array.from(points.flatMap((n) => [xy.data[2 * n]!, xy.data[2 * n + 1]!])));
    return shapes.map(([h, w], l) => {
      const expected = tensor('float32', [points.length, c]);
      points.forEach((n, i) => expected.data.set(sampled.data.subarray((n * shapes.length + l) * c, (n * shapes.length + l + 1) * c), i * c));
      return {
        name: `first.query_sampled: frame ${frame} level ${l} (${h}x${w}), points ${points.join(',')}`,
        table,
        positions,
        attrs: { height: h, width: w, start: starts[l]!, paddingMode: 'border', pixelScale: [h - 1, w - 1] },
        expected,
        tolerance: { atol, rtol: 0 },
      } satisfies BilinearGatherCase;
    });
  });
}
