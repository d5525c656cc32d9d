// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { invalidArgument, tensor, type TensorView } from '@taptr/tensor';
import { levelTokens } from '@taptr/ops';

const f = Math.fround;

/**
 * The 2-D sine positional embedding of one feature level (`PositionEmbeddingSineHW`, normalize=True,
 * scale 2π; spec §4), computed with float32 rounding at every step like the official code:
 * y_e(i) = (i+1)/(h + 1e-6)·2π, x_e(j) = (j+1)/(w + 1e-6)·2π, dim_t[k] = T^(2⌊k/2⌋/F) with F = C/2
 * frequencies; channels = [e(y_e), e(x_e)] with e[2j] = sin(v/dim_t[2j]), e[2j+1] = cos(v/dim_t[2j+1]).
 * @returns [C, h, w] float32 (C = 2·numPosFeats).
 */
export function sinePositionEmbedding(h: number, w: number, numPosFeats: number, temperatureH = 10, temperatureW = 10): TensorView<'float32'> {
  for (const [name, v] of [
    ['h', h],
    ['w', w],
    ['numPosFeats', numPosFeats],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) throw invalidArgument('range', 'sinePositionEmbedding', name, 'a positive integer', String(v));
  }
  const scale = f(2 * Math.PI);
  const eps = 1e-6;
  const dimT = (temperature: number, k: number) => f(Math.pow(temperature, f(f(2 * Math.floor(k / 2)) / numPosFeats)));
  const out = new Float32Array(2 * numPosFeats * h * w);
  const plane = h * w;
  for (let k = 0; k < numPosFeats; k++) {
    const dy = dimT(temperatureH, k);
    const dx = dimT(temperatureW, k);
    const fn = k % 2 === 0 ? Math.sin : Math.cos;
    for (let i = 0; i < h; i++) {
      const ye = f(f(f(i + 1) / f(h + eps)) * scale);
      const vy = f(fn(f(ye / dy)));
      for (let j = 0; j < w; j++) out[k * plane + i * w + j] = vy;
    }
    for (let j = 0; j < w; j++) {
      const xe = f(f(f(j + 1) / f(w + eps)) * scale);
      const vx = f(fn(f(xe / dx)));
      for (let i = 0; i < h; i++) out[(numPosFeats + k) * plane + i * w + j] = vx;
    }
  }
  return tensor('float32', [2 * numPosFeats, h, w], out);
}

/**
 * The encoder's positional input `lvl_pos_embed` [S, C]: each level's sine embedding flattened
 * row-major (token order of the memory) plus `levelEmbed[l]` ([L, C], `transformer.level_embed`).
 */
export function levelPositionEmbedding(
  levels: readonly { h: number; w: number }[],
  levelEmbed: TensorView<'float32'>,
  temperatureH = 10,
  temperatureW = 10,
): TensorView<'float32'> {
  const C = levelEmbed.dims[1]!;
  if (levelEmbed.dims.length !== 2 || levelEmbed.dims[0] !== levels.length || C % 2 !== 0) {
    throw invalidArgument('range', 'levelPositionEmbedding', 'levelEmbed', `of shape [${levels.length}, C] with even C`, `[${levelEmbed.dims.join(', ')}]`);
  }
  const S = levelTokens(levels);
  const out = new Float32Array(S * C);
  let start = 0;
  levels.forEach((level, l) => {
    const pos = sinePositionEmbedding(level.h, level.w, C / 2, temperatureH, temperatureW).data;
    const hw = level.h * level.w;
    for (let t = 0; t < hw; t++) for (let c = 0; c < C; c++) out[(start + t) * C + c] = f(pos[c * hw + t]! + levelEmbed.data[l * C + c]!);
    start += hw;
  });
  return tensor('float32', [S, C], out);
}

/**
 * The encoder's reference points [S, 2]: token (l, i, j) -> ((j + 0.5)/w_l, (i + 0.5)/h_l) (spec §5.2).
 */
export function encoderReferencePoints(levels: readonly { h: number; w: number }[]): TensorView<'float32'> {
  const S = levelTokens(levels);
  const out = new Float32Array(S * 2);
  let t = 0;
  for (const { h, w } of levels) {
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++, t++) {
        out[2 * t] = f((j + 0.5) / w);
        out[2 * t + 1] = f((i + 0.5) / h);
      }
  }
  return tensor('float32', [S, 2], out);
}

/**
 * Adds `lvl_pos_embed` [S, C] to a graph in factored form (per level: a [h, 1, C/2] row table and a
 * [1, w, C/2] column table, expanded, concatenated and offset by `level_embed[l]`): the same float32
 * values as {@link levelPositionEmbedding}, but the model file stores O(Σ(h + w)·C) numbers instead of
 * S·C (onnxruntime folds the constant subgraph once at session creation).
 */
export function levelPositionEmbeddingNode(
  g: GraphBuilder,
  levels: readonly { h: number; w: number }[],
  levelEmbed: TensorView<'float32'>,
  temperatureH = 10,
  temperatureW = 10,
): OnnxValue {
  const C = levelEmbed.dims[1]!;
  if (levelEmbed.dims.length !== 2 || levelEmbed.dims[0] !== levels.length || C % 2 !== 0) {
    throw invalidArgument('range', 'levelPositionEmbeddingNode', 'levelEmbed', `of shape [${levels.length}, C] with even C`, `[${levelEmbed.dims.join(', ')}]`);
  }
  const half = C / 2;
  const perLevel = levels.map(({ h, w }, l) => {
    // Rows of the y half do not depend on x and vice versa: take column 0 / row 0 of the full table.
    const full = sinePositionEmbedding(h, w, half, temperatureH, temperatureW).data;
    const rows = new Float32Array(h * half);
    const cols = new Float32Array(w * half);
    for (let k = 0; k < half; k++) {
      for (let i = 0; i < h; i++) rows[i * half + k] = full[k * h * w + i * w]!;
      for (let j = 0; j < w; j++) cols[j * half + k] = full[(half + k) * h * w + j]!;
    }
    const y = g.expand(g.initializer(tensor('float32', [h, 1, half], rows), `pos_l${l}.y`), [h, w, half]);
    const x = g.expand(g.initializer(tensor('float32', [1, w, half], cols), `pos_l${l}.x`), [h, w, half]);
    const pos = g.reshape(g.concat([y, x], 2), [h * w, C]);
    return g.add(pos, g.initializer(tensor('float32', [C], levelEmbed.data.slice(l * C, (l + 1) * C)), `level_embed.${l}`));
  });
  return g.concat(perLevel, 0);
}
