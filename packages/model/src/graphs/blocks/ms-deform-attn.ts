// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { levelTokens, type LevelShape } from '@taptr/ops';
import { gridSampleOnnx } from '@taptr/ops/onnx';
import { invalidArgument, tensor } from '@taptr/tensor';
import { linear, linearWith } from './linear.js';
import { requireParam, type StateDict } from './state-dict.js';

/** Spatial size of one feature level (`@taptr/ops`' `LevelShape`). */
export type { LevelShape };

/** Sizes of a multi-scale deformable attention module (spec §5.1). */
export interface MsdaShape {
  /** Number of heads M (C must be divisible by M). */
  readonly heads: number;
  /** Sampling points per head and level P. */
  readonly points: number;
  /** Level sizes, in token order of the input (S = Σ h·w). */
  readonly levels: readonly LevelShape[];
}

/** Inputs of {@link msDeformAttn}. B (frames) and Lq (queries) may be symbolic. */
export interface MsdaInputs {
  /** Queries [B, Lq, C] (already including any positional embedding). */
  readonly query: OnnxValue;
  /**
   * Normalized reference points (x, y) in [0, 1]: [B, Lq, 2] when `referenceBatched`, else a
   * frame-independent [Lq, 2]. The same reference is used for every level.
   */
  readonly reference: OnnxValue;
  readonly referenceBatched: boolean;
  /** The attended input [B, S, C], levels concatenated (each level row-major). */
  readonly input: OnnxValue;
}

/** The head-split values of {@link msdaValue}: computed once, attended by every query tile. */
export interface MsdaValue {
  /** Per level, `[B·M, Dh, h_l, w_l]` (channel c = m·Dh + d): sliced once, sampled by every query tile. */
  readonly levels: readonly OnnxValue[];
  readonly channels: number;
}

/**
 * The values of multi-scale deformable attention: `value_proj` of the input, split by head and by
 * level into `[B·M, Dh, h_l, w_l]` (once, however many query tiles {@link msdaAttend} runs). The input
 * comes as row tiles [B, S_i, C] in order (`[input]` with `rows` `[S]` for the whole): each tile is
 * projected and transposed into [B, C, S_i], and each level's values are the concatenation of its
 * parts of those products, so the input is never concatenated into [B, S, C] for them.
 */
export function msdaValue(
  g: GraphBuilder,
  stateDict: StateDict,
  prefix: string,
  input: readonly OnnxValue[],
  rows: readonly number[],
  shape: MsdaShape,
): MsdaValue {
  const { heads, levels } = shape;
  const valueW = requireParam(stateDict, `${prefix}.value_proj.weight`);
  const valueB = requireParam(stateDict, `${prefix}.value_proj.bias`, [valueW.dims[0]!]);
  const channels = valueW.dims[0]!;
  if (!Number.isInteger(heads) || heads <= 0 || channels % heads !== 0) {
    throw invalidArgument('range', 'msDeformAttn', 'shape.heads', `a positive divisor of ${channels}`, String(heads));
  }
  const tokens = levelTokens(levels);
  if (input.length !== rows.length || rows.reduce((s, r) => s + r, 0) !== tokens) {
    throw invalidArgument('range', 'msdaValue', 'rows', `one size per input tile, summing to the ${tokens} tokens of the levels`, `[${rows.join(', ')}]`);
  }
  const headDim = channels / heads;
  // Values per tile: x [B, S_i, C] · Wᵀ + b, transposed -> [B, C, S_i] (a MatMul with the weight as its
  // second operand, as the dynamic int8 variant quantizes it).
  const projected = input.map((x) => g.transpose(linearWith(g, x, valueW, valueB, `${prefix}.value_proj`), [0, 2, 1]));
  // Level l covers tokens [a, a + h·w): the parts of the tiles in that range, concatenated -> [B, C, h·w]
  // -> [B·M, Dh, h, w] (channel c = m·Dh + d).
  let a = 0;
  const perLevel = levels.map((level) => {
    const end = a + level.h * level.w;
    const parts: OnnxValue[] = [];
    let t0 = 0;
    projected.forEach((tile, i) => {
      const t1 = t0 + rows[i]!;
      const from = Math.max(a, t0);
      const to = Math.min(end, t1);
      if (from < to) parts.push(from === t0 && to === t1 ? tile : g.slice(tile, [from - t0], [to - t0], [2]));
      t0 = t1;
    });
    a = end;
    return g.reshape(parts.length === 1 ? parts[0]! : g.concat(parts, 2), [-1, headDim, level.h, level.w]);
  });
  return { levels: perLevel, channels };
}

/** Queries of {@link msdaAttend}: any subset of rows (a tile) of the full query set. */
export interface MsdaQueries {
  /** Queries [B, Lq, C] (already including any positional embedding). */
  readonly query: OnnxValue;
  /** Normalized reference points (x, y): [B, Lq, 2] when `referenceBatched`, else [Lq, 2]. */
  readonly reference: OnnxValue;
  readonly referenceBatched: boolean;
}

/**
 * The sampling half of multi-scale deformable attention for a set of queries over values from
 * {@link msdaValue}: per level, the values [B·M, Dh, h, w] are sampled with one GridSample (bilinear,
 * zeros, align_corners=0; heads as batch) at grid = 2·ref − 1 + Δ·(2/w, 2/h) (the scale folded into the
 * offset weights; grid laid out as [B·M, P, Lq, 2] so the output is [B·M, Dh, P, Lq]), multiplied by the
 * softmaxed attention weights, summed over points and accumulated level by level (no Concat of the
 * levels), then projected. Every output row depends only on its own query row, so the queries may be
 * split into tiles (the frame encoder does, to bound its transients). Returns [B, Lq, C].
 */
export function msdaAttend(g: GraphBuilder, stateDict: StateDict, prefix: string, queries: MsdaQueries, value: MsdaValue, shape: MsdaShape): OnnxValue {
  const { heads, points, levels } = shape;
  const { channels } = value;
  const nLevels = levels.length;
  requireParam(stateDict, `${prefix}.sampling_offsets.weight`, [heads * nLevels * points * 2, channels]);
  requireParam(stateDict, `${prefix}.attention_weights.weight`, [heads * nLevels * points, channels]);

  // Sampling grids in grid units: the per-level scale (2/w_l, 2/h_l) is folded into the
  // sampling_offsets rows (exact for power-of-two level sizes), then 2·ref − 1 is added.
  // Layout [B, M, L, P, Lq, 2] so that the reference broadcast and later ops run on contiguous Lq spans.
  const offW = requireParam(stateDict, `${prefix}.sampling_offsets.weight`);
  const offB = requireParam(stateDict, `${prefix}.sampling_offsets.bias`, [offW.dims[0]!]);
  const scaledW = new Float32Array(offW.data.length);
  const scaledB = new Float32Array(offB.data.length);
  for (let r = 0; r < offB.data.length; r++) {
    const level = levels[Math.floor(r / (points * 2)) % nLevels]!;
    const scale = r % 2 === 0 ? 2 / level.w : 2 / level.h;
    scaledB[r] = offB.data[r]! * scale;
    for (let c = 0; c < channels; c++) scaledW[r * channels + c] = offW.data[r * channels + c]! * scale;
  }
  const offsets = linearWith(
    g,
    queries.query,
    tensor('float32', offW.dims, scaledW),
    tensor('float32', [scaledB.length], scaledB),
    `${prefix}.sampling_offsets_scaled`,
  );
  const offsetsT = g.transpose(g.reshape(offsets, [0, 0, heads, nLevels, points, 2]), [0, 2, 3, 4, 1, 5]); // [B, M, L, P, Lq, 2]
  const refGrid = g.sub(g.mul(queries.reference, g.constFloat(2)), g.constFloat(1));
  // [Lq, 2] broadcasts as is; [B, Lq, 2] -> [B, 1, 1, 1, Lq, 2]
  const grids = g.add(offsetsT, queries.referenceBatched ? g.unsqueeze(refGrid, [1, 2, 3]) : refGrid);

  // Attention weights in the layout the sampled values are weighted in, [B, M, L·P, Lq] (q · Wᵀ + b
  // transposed), so each level's weights are one contiguous slice: softmax over L·P per head and query
  // (axis 2) as max-shifted exponentials over their sum.
  const logits = g.reshape(g.transpose(linear(g, stateDict, `${prefix}.attention_weights`, queries.query), [0, 2, 1]), [0, heads, nLevels * points, -1]);
  const shifted = g.exp(g.sub(logits, g.op('ReduceMax', [logits], { axes: [2], keepdims: 1 })));
  const weights = g.div(shifted, g.reduceSum(shifted, [2], true)); // [B, M, L·P, Lq]

  // Merge the first two axes (B, M) whatever is symbolic: shape [-1, ...shape[2:]].
  const mergeBatchHeads = (x: OnnxValue) => g.reshape(x, g.concat([g.constInt64([-1]), g.shape(x, 2)], 0));

  let acc: OnnxValue | undefined;
  levels.forEach((_, l) => {
    const valueL = value.levels[l]!;
    const gridL = mergeBatchHeads(g.squeeze(g.slice(grids, [l], [l + 1], [2]), [2])); // [B·M, P, Lq, 2]
    const sampled = gridSampleOnnx(g, valueL, gridL, { mode: 'bilinear', paddingMode: 'zeros', alignCorners: false }); // [B·M, Dh, P, Lq]
    const weightL = g.unsqueeze(mergeBatchHeads(g.slice(weights, [l * points], [(l + 1) * points], [2])), [1]); // [B·M, 1, P, Lq]
    const term = g.reduceSum(g.mul(sampled, weightL), [2], false); // [B·M, Dh, Lq]
    acc = acc === undefined ? term : g.add(acc, term);
  });
  const summed = acc!; // [B·M, Dh, Lq]
  const merged = g.transpose(g.reshape(summed, [-1, channels, 0]), [0, 2, 1]); // [B, Lq, C]
  return linear(g, stateDict, `${prefix}.output_proj`, merged);
}

/**
 * Multi-scale deformable attention (`MSDeformAttn`, spec §5.1) with the state-dict Linear layers
 * `${prefix}.{sampling_offsets,attention_weights,value_proj,output_proj}`: {@link msdaValue} of
 * `inputs.input`, attended by all of `inputs.query` with {@link msdaAttend}. Returns [B, Lq, C].
 */
export function msDeformAttn(g: GraphBuilder, stateDict: StateDict, prefix: string, inputs: MsdaInputs, shape: MsdaShape): OnnxValue {
  const value = msdaValue(g, stateDict, prefix, [inputs.input], [levelTokens(shape.levels)], shape);
  return msdaAttend(g, stateDict, prefix, inputs, value, shape);
}
