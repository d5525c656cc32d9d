// SPDX-License-Identifier: Apache-2.0
import { createGraphBuilder, type GraphBuilder, type OnnxValue } from '@taptr/onnx';
import { bilinearGatherOnnx } from '@taptr/ops/onnx';
import { featureLevelShapes, levelStartIndex, memoryTokens, type TaptrConfig } from '../config/index.js';
import { linear } from './blocks/linear.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';

/** Graph name of G2 (spec §13). */
export const QUERY_INIT_GRAPH_NAME = 'query_init';

/** The ε of TAPTR's `inverse_sigmoid` (spec §0): values within ε of 0 or 1 are clamped. */
export const INVERSE_SIGMOID_EPS = 1e-3;

/**
 * In-graph `inverse_sigmoid(x) = ln(max(x', ε) / max(1 − x', ε))` with `x' = clamp(x, 0, 1)` and
 * ε = 1e-3 (spec §0), elementwise.
 */
export function inverseSigmoid(g: GraphBuilder, x: OnnxValue): OnnxValue {
  const clamped = g.clip(x, 0, 1);
  const num = g.clip(clamped, INVERSE_SIGMOID_EPS);
  const den = g.clip(g.sub(g.constFloat(1), clamped), INVERSE_SIGMOID_EPS);
  return g.log(g.div(num, den));
}

/**
 * Samples the memory of one frame at normalized points, level by level (spec §6): level l viewed as a
 * `[C, h_l, w_l]` map is sampled bilinearly at pixel `(x·(h_l−1), y·(w_l−1))` with align_corners=1
 * and border padding (the official code scales x by h−1 and y by w−1; identical for square maps).
 * The 4 corners are gathered from the token-major memory rows (no transposition of the memory).
 * @param memory - `[1, S, C]` (levels concatenated, each row-major).
 * @param xy - `[N, 2]` normalized (x, y).
 * @returns `[N, L·C]`, levels 0..L−1 concatenated (`first.query_sampled`).
 */
export function sampleQueryFeatures(g: GraphBuilder, memory: OnnxValue, xy: OnnxValue, config: TaptrConfig): OnnxValue {
  const levels = featureLevelShapes(config);
  const starts = levelStartIndex(config);
  const C = config.hiddenDim;
  const rows = g.reshape(memory, [-1, C]); // [S, C]
  const x = g.squeeze(g.slice(xy, [0], [1], [1]), [1]);
  const y = g.squeeze(g.slice(xy, [1], [2], [1]), [1]);
  // The x·(h_l−1), y·(w_l−1) quirk as the gather's pixel scale; the columns are split once for every level.
  const perLevel = levels.map((level, l) =>
    bilinearGatherOnnx(
      g,
      rows,
      { x, y },
      { height: level.h, width: level.w, start: starts[l]!, paddingMode: 'border', pixelScale: [level.h - 1, level.w - 1], channels: C },
    ),
  ); // [N, C] each
  return g.concat(perLevel, 1);
}

/** Options of {@link buildQueryInitGraph}. */
export interface QueryInitGraphOptions {
  /** Also output `query_sampled` `[N, L·C]` (the bilinear samples before the Linear). Defaults to false. */
  readonly debugOutputs?: boolean;
}

/**
 * Builds G2 `query_init` (spec §6, §13): the content feature of each query point from the memory of
 * its query frame, and its initial location in logit space.
 *
 * Inputs: `memory` float32 `[1, S, C]` (the query frame's encoder output), `xy_norm` float32 `[N, 2]`
 * (normalized (x, y), x = x_px/(W−1); N dynamic).
 * Outputs: `content` float32 `[N, C]` = `transformer.query_feature_initializer`(4 levels of border /
 * align_corners=1 bilinear samples, concatenated; gathered corners, cost O(N)); `ref_unsig` float32 `[N, 4]` =
 * (inverse_sigmoid(x), inverse_sigmoid(y), 0, 0) with ε = 1e-3; with `debugOutputs`,
 * `query_sampled` float32 `[N, L·C]`.
 * @param stateDict - the TAPTR state dict (`transformer.query_feature_initializer.{weight,bias}`).
 * @returns the ONNX model bytes.
 * @throws TaptrError `TAPTR_CHECKPOINT_MISMATCH` for a missing or mis-shaped parameter.
 */
export function buildQueryInitGraph(stateDict: StateDict, config: TaptrConfig, options: QueryInitGraphOptions = {}): Uint8Array {
  const C = config.hiddenDim;
  const L = config.numFeatureLevels;
  requireParam(stateDict, 'transformer.query_feature_initializer.weight', [C, L * C]);
  const g = createGraphBuilder({ name: QUERY_INIT_GRAPH_NAME });
  const S = memoryTokens(config);
  const memory = g.input('memory', 'float32', [1, S, C]);
  const xy = g.input('xy_norm', 'float32', ['N', 2]);
  const sampled = sampleQueryFeatures(g, memory, xy, config);
  const content = linear(g, stateDict, 'transformer.query_feature_initializer', sampled);
  g.output(content, 'content', 'float32', ['N', C]);
  const refXY = inverseSigmoid(g, xy);
  const ref = g.concat([refXY, g.mul(refXY, g.constFloat(0))], 1);
  g.output(ref, 'ref_unsig', 'float32', ['N', 4]);
  if (options.debugOutputs === true) g.output(sampled, 'query_sampled', 'float32', ['N', L * C]);
  return g.toModelBytes();
}
