// SPDX-License-Identifier: Apache-2.0
import { checkTensor, invalidArgument, tensor, type TensorView } from '@taptr/tensor';

/** Predictions in the layout {@link computeTapvidMetrics} takes. */
export interface TrackPrediction {
  /** `[B, N, T, 2]` float64, predicted (x, y). */
  readonly predTracks: TensorView<'float64'>;
  /** `[B, N, T]` bool, predicted occlusion. */
  readonly predOccluded: TensorView<'bool'>;
}

/**
 * The zero-motion TAP-Vid baseline: every point stays at its query position on every frame and
 * is always predicted visible. For demos and smoke tests of the evaluation pipeline.
 * @param queryPoints - `[B, N, 3]` float (t, y, x), e.g. a sampler's `queryPoints`.
 * @param numFrames - T, the number of frames of the video.
 * @returns `predTracks` `[B, N, T, 2]` (x, y) = the query's (x, y), `predOccluded` `[B, N, T]` all false.
 */
export function predictStationary(queryPoints: TensorView, numFrames: number): TrackPrediction {
  const dims = checkTensor('predictStationary', 'queryPoints', queryPoints, ['float32', 'float64'], ['B', 'N', 3]);
  if (!Number.isInteger(numFrames) || numFrames < 1) throw invalidArgument('range', 'predictStationary', 'numFrames', 'a positive integer', String(numFrames));
  const B = dims.B!;
  const N = dims.N!;
  const T = numFrames;
  const q = queryPoints.data as Float32Array | Float64Array;
  const predTracks = tensor('float64', [B, N, T, 2]);
  for (let bn = 0; bn < B * N; bn++) {
    const y = q[bn * 3 + 1]!;
    const x = q[bn * 3 + 2]!;
    for (let t = 0; t < T; t++) {
      predTracks.data[(bn * T + t) * 2] = x;
      predTracks.data[(bn * T + t) * 2 + 1] = y;
    }
  }
  return { predTracks, predOccluded: tensor('bool', [B, N, T]) };
}
