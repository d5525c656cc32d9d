// SPDX-License-Identifier: Apache-2.0
import { checkTensor, invalidArgument, type TensorView } from '@taptr/tensor';
import { DISTANCE_THRESHOLDS, METRIC_NAMES, type MetricName } from './metric-names.js';
import { roundHalfToEven } from './round-half-to-even.js';

/** Which frames are scored: 'first' = frames after the query frame, 'strided' = all but it. */
export type QueryMode = 'first' | 'strided';

/** Inputs of {@link computeTapvidMetrics} (tapnet's `compute_tapvid_metrics`). */
export interface TapvidMetricsInput {
  /** `[B, N, 3]` float, (t, y, x) query points; only t is used (rounded half to even). */
  readonly queryPoints: TensorView;
  /** `[B, N, T]` bool, true = occluded in the ground truth. */
  readonly gtOccluded: TensorView;
  /** `[B, N, T, 2]` float, ground-truth (x, y) pixels at 256x256. */
  readonly gtTracks: TensorView;
  /** `[B, N, T]` bool, predicted occlusion (already thresholded). */
  readonly predOccluded: TensorView;
  /** `[B, N, T, 2]` float, predicted (x, y) pixels at 256x256. */
  readonly predTracks: TensorView;
  /** 'first' or 'strided' evaluation. */
  readonly queryMode: QueryMode;
  /** Per-track metrics `[B, N]` instead of per-video `[B]`. Defaults to false. */
  readonly trackwise?: boolean;
}

/**
 * TAP-Vid metrics, one Float64Array per metric: shape `[B]` per video, or `[B, N]` (row-major)
 * with `trackwise`. NaN where tapnet gives NaN (0/0).
 */
export type TapvidMetrics = Readonly<Record<MetricName, Float64Array>> & {
  /** `[B]` or `[B, N]`. */
  readonly dims: readonly number[];
};

const FN = 'computeTapvidMetrics';
const FLOAT = ['float32', 'float64'] as const;
const BOOL = ['bool', 'uint8'] as const;

/**
 * Computes the TAP-Vid metrics exactly like google-deepmind/tapnet's `compute_tapvid_metrics`
 * (tapvid-spec §2): query frame = round-half-to-even of t; 'first' scores frames t > q,
 * 'strided' frames t != q; a position is within d when (dx*dx + dy*dy) < d*d (strictly, in
 * float64; in float32 only when both track tensors are float32, as NumPy would); NaN/inf
 * predictions are never within; the 5-threshold averages are a left-to-right sum divided by 5.
 * Bit-for-bit equal to tapnet on the fixtures.
 *
 * @throws TypeError / RangeError naming the argument, the expected and the actual shape or type;
 *   RangeError when a rounded query frame is outside [0, T).
 */
export function computeTapvidMetrics(input: TapvidMetricsInput): TapvidMetrics {
  if (input === null || typeof input !== 'object') throw invalidArgument('type', FN, 'input', 'an object', String(input));
  const { queryPoints, gtOccluded, gtTracks, predOccluded, predTracks, queryMode } = input;
  const dims = checkTensor(FN, 'queryPoints', queryPoints, FLOAT, ['B', 'N', 3]);
  const named = checkTensor(FN, 'gtOccluded', gtOccluded, BOOL, ['B', 'N', 'T'], dims);
  checkTensor(FN, 'gtTracks', gtTracks, FLOAT, ['B', 'N', 'T', 2], named);
  checkTensor(FN, 'predOccluded', predOccluded, BOOL, ['B', 'N', 'T'], named);
  checkTensor(FN, 'predTracks', predTracks, FLOAT, ['B', 'N', 'T', 2], named);
  if (queryMode !== 'first' && queryMode !== 'strided') {
    throw invalidArgument('range', FN, 'queryMode', "'first' or 'strided'", JSON.stringify(queryMode) ?? String(queryMode));
  }
  const trackwise = input.trackwise === true;
  const B = named.B!;
  const N = named.N!;
  const T = named.T!;
  const qp = queryPoints.data as Float32Array | Float64Array;
  const gOcc = gtOccluded.data as Uint8Array;
  const pOcc = predOccluded.data as Uint8Array;
  const gt = gtTracks.data as Float32Array | Float64Array;
  const pred = predTracks.data as Float32Array | Float64Array;
  const float32 = gtTracks.type === 'float32' && predTracks.type === 'float32';
  const first = queryMode === 'first';
  const groups = trackwise ? B * N : B;
  const out = Object.fromEntries(METRIC_NAMES.map((name) => [name, new Float64Array(groups)])) as Record<MetricName, Float64Array>;

  const thresholds2 = DISTANCE_THRESHOLDS.map((d) => d * d);
  const K = thresholds2.length;
  const correct = new Float64Array(K);
  const truePositives = new Float64Array(K);
  const falsePositives = new Float64Array(K);
  let evaluated = 0;
  let agreed = 0;
  let visible = 0;
  const reset = (): void => {
    correct.fill(0);
    truePositives.fill(0);
    falsePositives.fill(0);
    evaluated = 0;
    agreed = 0;
    visible = 0;
  };
  const store = (group: number): void => {
    out.occlusionAccuracy[group] = agreed / evaluated;
    const within = [out.ptsWithin1, out.ptsWithin2, out.ptsWithin4, out.ptsWithin8, out.ptsWithin16];
    const jaccard = [out.jaccard1, out.jaccard2, out.jaccard4, out.jaccard8, out.jaccard16];
    let sumWithin = 0;
    let sumJaccard = 0;
    for (let k = 0; k < K; k++) {
      const w = correct[k]! / visible;
      const j = truePositives[k]! / (visible + falsePositives[k]!);
      within[k]![group] = w;
      jaccard[k]![group] = j;
      sumWithin += w;
      sumJaccard += j;
    }
    out.averagePtsWithinThresh[group] = sumWithin / K;
    out.averageJaccard[group] = sumJaccard / K;
  };

  for (let b = 0; b < B; b++) {
    if (!trackwise) reset();
    for (let n = 0; n < N; n++) {
      if (trackwise) reset();
      const bn = b * N + n;
      const t0 = qp[bn * 3]!;
      const q = roundHalfToEven(t0);
      if (!(q >= 0 && q < T)) {
        throw invalidArgument('range', FN, `queryPoints[${b}, ${n}, 0]`, `a frame index that rounds into [0, ${T})`, String(t0));
      }
      for (let t = 0; t < T; t++) {
        if (first ? t <= q : t === q) continue;
        const i = bn * T + t;
        const gtVisible = gOcc[i] === 0;
        const predVisible = pOcc[i] === 0;
        evaluated++;
        if (gtVisible === predVisible) agreed++;
        if (gtVisible) visible++;
        const dx = pred[2 * i]! - gt[2 * i]!;
        const dy = pred[2 * i + 1]! - gt[2 * i + 1]!;
        const d2 = float32 ? Math.fround(Math.fround(Math.fround(dx) * Math.fround(dx)) + Math.fround(Math.fround(dy) * Math.fround(dy))) : dx * dx + dy * dy;
        for (let k = 0; k < K; k++) {
          const within = d2 < thresholds2[k]!;
          if (gtVisible && within) {
            correct[k]!++;
            if (predVisible) truePositives[k]!++;
          }
          if (predVisible && (!gtVisible || !within)) falsePositives[k]!++;
        }
      }
      if (trackwise) store(bn);
    }
    if (!trackwise) store(b);
  }
  return Object.freeze({ ...out, dims: Object.freeze(trackwise ? [B, N] : [B]) });
}
