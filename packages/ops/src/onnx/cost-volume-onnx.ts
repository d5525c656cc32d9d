// SPDX-License-Identifier: Apache-2.0
// The ONNX form of costVolume (moved from @taptr/model's graphs/corr-sampling.ts, node for node).
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { costVolumeTaps, resolveCostVolumeAttrs, type CostVolumeAttrs, type ResolvedCostVolumeAttrs } from '../contract/cost-volume.js';
import { bilinearCornersOnnx } from './bilinear-gather-onnx.js';
import { checkStaticSize } from './static-size.js';

/** Attributes of the costVolume emitters: the contract's plus the static sizes the graph needs. */
export interface CostVolumeOnnxAttrs extends CostVolumeAttrs {
  /** B, the frames (static: one Gather per frame and level with `'taps'`). */
  readonly batch: number;
  /** C, the feature channels (queries have C + 1). */
  readonly channels: number;
}

/**
 * What {@link sampleCostVolumeOnnx} reads, made once by {@link costVolumeSourceOnnx} and shared by
 * every sampling of the same features and queries (TAPTR samples once per decoder layer):
 * - `'taps'`: the features `[B, S, C]` and queries `[B, N, L, C+1]` themselves; each sampling gathers,
 *   per frame and level, the feature rows of the (2r+2)² pixels that hold the 4 bilinear corners of a
 *   point's (2r+1)² taps and dots them with the query (cost ∝ N, independent of the map size; transient
 *   N·(2r+2)²·C floats per frame and level);
 * - `'volume'`: per level l the volume ⟨queries[..., l, :C], features_l⟩ of every token, `[B, S_l, N]`
 *   flattened (flat index `(t·S_l + p)·N + n`; kept apart, no Concat), one MatMul per level (∝ N·S·C),
 *   and the bias term queries[..., C] `[B, N, L]`, added after sampling (border padding: the bilinear
 *   weights of a tap sum to 1).
 */
export type CostVolumeOnnxSource =
  | { readonly method: 'taps'; readonly features: OnnxValue; readonly queries: OnnxValue }
  | { readonly method: 'volume'; readonly volumes: readonly OnnxValue[]; readonly bias: OnnxValue };

function resolve(fn: string, attrs: CostVolumeOnnxAttrs): ResolvedCostVolumeAttrs & { readonly batch: number; readonly channels: number } {
  const channels = checkStaticSize(fn, 'attrs.channels', attrs.channels);
  const batch = checkStaticSize(fn, 'attrs.batch', attrs.batch);
  return { ...resolveCostVolumeAttrs(fn, attrs, channels), batch, channels };
}

/**
 * The sampling-independent half of the ONNX form of **costVolume**: the {@link CostVolumeOnnxSource}
 * of `attrs.method` (`'taps'`: no nodes; `'volume'`: the per-level volumes).
 * @param features - `[B, S, C]`.
 * @param queries - `[B, N, L, C + 1]`.
 * @throws TypeError / RangeError for invalid attributes.
 */
export function costVolumeSourceOnnx(g: GraphBuilder, features: OnnxValue, queries: OnnxValue, attrs: CostVolumeOnnxAttrs): CostVolumeOnnxSource {
  const { levels, starts, method, channels: C } = resolve('costVolumeSourceOnnx', attrs);
  if (method === 'taps') return { method, features, queries };
  const keysT = g.transpose(g.slice(queries, [0], [C], [3]), [0, 2, 3, 1]); // [B, L, C, N]
  const volumes = levels.map((level, l) => {
    const featuresL = g.slice(features, [starts[l]!], [starts[l]! + level.h * level.w], [1]); // [B, S_l, C]
    const keyL = g.squeeze(g.slice(keysT, [l], [l + 1], [1]), [1]); // [B, C, N]
    return g.reshape(g.matMul(featuresL, keyL), [-1]); // [B, S_l, N] flattened
  });
  return { method, volumes, bias: g.squeeze(g.slice(queries, [C], [C + 1], [3]), [3]) };
}

/**
 * The sampling half of the ONNX form of **costVolume**: the taps at `centers` read from `source`
 * (whose method must be `attrs.method`). Both methods give the same values up to float rounding.
 * @param centers - `[B, N, 2]` (x, y).
 * @returns `[B, N, L·(2r+1)²]`.
 * @throws TypeError / RangeError for invalid attributes.
 */
export function sampleCostVolumeOnnx(g: GraphBuilder, source: CostVolumeOnnxSource, centers: OnnxValue, attrs: CostVolumeOnnxAttrs): OnnxValue {
  const { levels, starts, tokens: S, radius, pixelScale, batch: K, channels: C } = resolve('sampleCostVolumeOnnx', attrs);
  const L = levels.length;
  const side = 2 * radius + 1;
  const TAPS = costVolumeTaps(radius);
  const dx = new Float32Array(TAPS);
  const dy = new Float32Array(TAPS);
  for (let a = 0; a < side; a++)
    for (let b = 0; b < side; b++) {
      dx[a * side + b] = a - radius;
      dy[a * side + b] = b - radius;
    }
  const pixels = (c: OnnxValue, s: number | undefined) => (s === undefined ? c : g.mul(c, g.constFloat(s)));
  const X = g.unsqueeze(pixels(g.slice(centers, [0], [1], [2]), pixelScale?.[0]), [3]); // [B, N, 1, 1]
  const Y = g.unsqueeze(pixels(g.slice(centers, [1], [2], [2]), pixelScale?.[1]), [3]);
  const pyramid = g.constFloat(
    Float32Array.from(levels, (_, l) => 2 ** l),
    [L, 1],
  );
  const u = g.add(g.div(X, pyramid), g.constFloat(dx, [TAPS])); // [B, N, L, (2r+1)²]
  const v = g.add(g.div(Y, pyramid), g.constFloat(dy, [TAPS]));
  const corners = bilinearCornersOnnx(g, u, v, levels, [L, 1], 'border', { coordinates: source.method === 'taps' }); // [B, N, L, (2r+1)², 4]

  // The default scale 1/√C is a division by √C (TAPTR's order of operations).
  const factor = g.constFloat(attrs.scale ?? Math.fround(Math.sqrt(C)));
  const scaled = (taps: OnnxValue) => (attrs.scale === undefined ? g.div(taps, factor) : g.mul(taps, factor));
  if (source.method === 'volume') {
    // One Gather per level from that level's volume; the bias term is added after the weighted sum,
    // scaled by the tap's summed bilinear weights.
    const points = g.shape(centers, 1, 2); // [1] = N
    const pointIndex = g.reshape(g.op('Range', [g.constInt64(0), g.squeeze(points, [0]), g.constInt64(1)]), [1, -1, 1, 1]);
    const perLevel = levels.map((level, l) => {
      const frameOffset = g.constInt64(
        Array.from({ length: K }, (_, t) => t * level.h * level.w),
        [K, 1, 1, 1],
      );
      const index = g.squeeze(g.slice(corners.index, [l], [l + 1], [2]), [2]); // [B, N, (2r+1)², 4]
      return g.unsqueeze(g.gather(source.volumes[l]!, g.add(g.mul(g.add(index, frameOffset), points), pointIndex), 0), [2]);
    });
    const sampled = g.reduceSum(g.mul(g.concat(perLevel, 2), corners.weight), [4], false); // [B, N, L, (2r+1)²]
    const taps = g.add(sampled, g.mul(g.unsqueeze(source.bias, [3]), g.reduceSum(corners.weight, [4], false)));
    return scaled(g.reshape(taps, [0, 0, L * TAPS]));
  }
  // Patch origin: the first tap's first corner (the smallest column and row of every corner of the
  // point's taps, since u and v grow with the tap offsets), moved back so that the patch stays in the
  // map. Every corner then lies in the patch, except that float rounding can put the last column's
  // (row's) upper corner one past it exactly when its bilinear weight is 0; clamping the relative
  // index keeps that corner in the patch with no effect on the result.
  const P = 2 * radius + 2;
  const zero = g.constFloat(0);
  const perLevel = (f: (l: { h: number; w: number }) => number, shape: number[]) => g.constFloat(Float32Array.from(levels, f), shape);
  const first = (c: OnnxValue) => g.reshape(g.slice(g.reshape(c, [0, 0, L, -1]), [0], [1], [3]), [0, 0, L]); // [B, N, L]
  const sx = g.max(
    g.min(
      first(corners.x!),
      perLevel((l) => l.w - P, [L]),
    ),
    zero,
  );
  const sy = g.max(
    g.min(
      first(corners.y!),
      perLevel((l) => l.h - P, [L]),
    ),
    zero,
  );
  const last = g.constFloat(P - 1);
  const relative = (c: OnnxValue, origin: OnnxValue) => g.min(g.max(g.sub(c, g.unsqueeze(origin, [3, 4])), zero), last);
  const within = g.reshape(g.cast(g.add(g.mul(relative(corners.y!, sy), g.constFloat(P)), relative(corners.x!, sx)), 'int64'), [0, 0, L, TAPS * 4]); // [B, N, L, 4·(2r+1)²]
  // Patch tokens (row-major, y slow), clamped into the map: maps narrower than P repeat their last column.
  const steps = g.constFloat(
    Float32Array.from({ length: P }, (_, i) => i),
    [P],
  );
  const px = g.min(
    g.add(g.unsqueeze(sx, [3]), steps),
    perLevel((l) => l.w - 1, [L, 1]),
  ); // [B, N, L, P]
  const py = g.min(
    g.add(g.unsqueeze(sy, [3]), steps),
    perLevel((l) => l.h - 1, [L, 1]),
  );
  const local = g.add(
    g.mul(
      g.unsqueeze(py, [4]),
      perLevel((l) => l.w, [L, 1, 1]),
    ),
    g.unsqueeze(px, [3]),
  ); // [B, N, L, P, P]
  const frameLevelOffset = g.constInt64(
    Array.from({ length: K * L }, (_, i) => Math.floor(i / L) * S + starts[i % L]!),
    [K, 1, L, 1],
  );
  const tokens = g.add(g.cast(g.reshape(local, [0, 0, L, P * P]), 'int64'), frameLevelOffset); // [B, N, L, P²] rows of [B·S, C]
  const rows = g.reshape(source.features, [-1, C]);
  const keys = g.unsqueeze(g.slice(source.queries, [0], [C], [3]), [4]); // [B, N, L, C, 1]
  // One frame and one level at a time: each gather [1, N, 1, P², C] is consumed by its MatMul at once.
  const frames: OnnxValue[] = [];
  for (let t = 0; t < K; t++) {
    const perLevelDots: OnnxValue[] = [];
    for (let l = 0; l < L; l++) {
      const pick = (x: OnnxValue) => g.slice(x, [t, l], [t + 1, l + 1], [0, 2]);
      perLevelDots.push(g.matMul(g.gather(rows, pick(tokens), 0), pick(keys))); // [1, N, 1, P², 1]
    }
    frames.push(g.concat(perLevelDots, 2));
  }
  const patch = g.add(g.reshape(g.concat(frames, 0), [0, 0, L, P * P]), g.slice(source.queries, [C], [C + 1], [3])); // [B, N, L, P²]
  const values = g.reshape(g.op('GatherElements', [patch, within], { axis: 3 }), [0, 0, L, TAPS, 4]);
  const taps = g.reduceSum(g.mul(values, corners.weight), [4], false); // [B, N, L, (2r+1)²]
  return scaled(g.reshape(taps, [0, 0, L * TAPS]));
}

/**
 * The ONNX form of **costVolume** (contract: `CostVolumeAttrs`) in one call:
 * {@link sampleCostVolumeOnnx} of {@link costVolumeSourceOnnx}.
 * @param features - `[B, S, C]`.
 * @param queries - `[B, N, L, C + 1]`.
 * @param centers - `[B, N, 2]` (x, y).
 * @returns `[B, N, L·(2r+1)²]`.
 */
export function costVolumeOnnx(g: GraphBuilder, features: OnnxValue, queries: OnnxValue, centers: OnnxValue, attrs: CostVolumeOnnxAttrs): OnnxValue {
  return sampleCostVolumeOnnx(g, costVolumeSourceOnnx(g, features, queries, attrs), centers, attrs);
}
