// SPDX-License-Identifier: Apache-2.0
import { checkTensor, tensor, type TensorView } from '@taptr/tensor';
import type { QuerySet } from './query-set.js';

/**
 * tapnet's `sample_queries_first`: one query per track at its first visible frame; tracks never
 * visible are dropped (order kept).
 * @param occluded - `[N, T]` bool, true = occluded.
 * @param points - `[N, T, 2]` float (x, y), already in pixels of the evaluated video.
 * @returns queries `[1, Q, 3]` (t, y, x), targets `[1, Q, T, 2]`, occlusion `[1, Q, T]`.
 */
export function sampleQueriesFirst(occluded: TensorView, points: TensorView): QuerySet {
  const dims = checkTensor('sampleQueriesFirst', 'occluded', occluded, ['bool', 'uint8'], ['N', 'T']);
  checkTensor('sampleQueriesFirst', 'points', points, ['float32', 'float64'], ['N', 'T', 2], dims);
  const N = dims.N!;
  const T = dims.T!;
  const occ = occluded.data as Uint8Array;
  const xy = points.data as Float32Array | Float64Array;
  const tracks: number[] = [];
  const firstFrames: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      if (occ[n * T + t] === 0) {
        tracks.push(n);
        firstFrames.push(t);
        break;
      }
    }
  }
  const Q = tracks.length;
  const queryPoints = tensor('float64', [1, Q, 3]);
  const targetPoints = tensor('float64', [1, Q, T, 2]);
  const queryOccluded = tensor('bool', [1, Q, T]);
  tracks.forEach((n, q) => {
    const t0 = firstFrames[q]!;
    queryPoints.data[q * 3] = t0;
    queryPoints.data[q * 3 + 1] = xy[(n * T + t0) * 2 + 1]!;
    queryPoints.data[q * 3 + 2] = xy[(n * T + t0) * 2]!;
    for (let i = 0; i < 2 * T; i++) targetPoints.data[q * 2 * T + i] = xy[n * 2 * T + i]!;
    for (let t = 0; t < T; t++) queryOccluded.data[q * T + t] = occ[n * T + t] === 0 ? 0 : 1;
  });
  return { queryPoints, targetPoints, occluded: queryOccluded };
}
