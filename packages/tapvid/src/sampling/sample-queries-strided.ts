// SPDX-License-Identifier: Apache-2.0
import { checkTensor, invalidArgument, tensor, type TensorView } from '@taptr/tensor';
import type { QuerySet } from './query-set.js';

/** Options of {@link sampleQueriesStrided}. */
export interface StridedSamplingOptions {
  /** Query every `stride`-th frame (0, stride, 2*stride, ...). Defaults to 5, tapnet's value. */
  readonly stride?: number;
}

/**
 * tapnet's `sample_queries_strided`: for frames 0, stride, 2*stride, ... < T (outer loop) and every
 * track visible there (inner loop, track order), one query with a copy of the whole track.
 * @param occluded - `[N, T]` bool, true = occluded.
 * @param points - `[N, T, 2]` float (x, y), already in pixels of the evaluated video.
 * @returns queries `[1, Q, 3]` (t, y, x), targets `[1, Q, T, 2]`, occlusion `[1, Q, T]`, and
 *   `trackgroup` `[1, Q]` (source track of each query).
 */
export function sampleQueriesStrided(occluded: TensorView, points: TensorView, options: StridedSamplingOptions = {}): QuerySet {
  const dims = checkTensor('sampleQueriesStrided', 'occluded', occluded, ['bool', 'uint8'], ['N', 'T']);
  checkTensor('sampleQueriesStrided', 'points', points, ['float32', 'float64'], ['N', 'T', 2], dims);
  const stride = options.stride ?? 5;
  if (!Number.isInteger(stride) || stride < 1) throw invalidArgument('range', 'sampleQueriesStrided', 'options.stride', 'a positive integer', String(stride));
  const N = dims.N!;
  const T = dims.T!;
  const occ = occluded.data as Uint8Array;
  const xy = points.data as Float32Array | Float64Array;
  const picks: [number, number][] = [];
  for (let t = 0; t < T; t += stride) {
    for (let n = 0; n < N; n++) if (occ[n * T + t] === 0) picks.push([n, t]);
  }
  const Q = picks.length;
  const queryPoints = tensor('float64', [1, Q, 3]);
  const targetPoints = tensor('float64', [1, Q, T, 2]);
  const queryOccluded = tensor('bool', [1, Q, T]);
  const trackgroup = tensor('int64', [1, Q]);
  picks.forEach(([n, t0], q) => {
    queryPoints.data[q * 3] = t0;
    queryPoints.data[q * 3 + 1] = xy[(n * T + t0) * 2 + 1]!;
    queryPoints.data[q * 3 + 2] = xy[(n * T + t0) * 2]!;
    for (let i = 0; i < 2 * T; i++) targetPoints.data[q * 2 * T + i] = xy[n * 2 * T + i]!;
    for (let t = 0; t < T; t++) queryOccluded.data[q * T + t] = occ[n * T + t] === 0 ? 0 : 1;
    trackgroup.data[q] = BigInt(n);
  });
  return { queryPoints, targetPoints, occluded: queryOccluded, trackgroup };
}
