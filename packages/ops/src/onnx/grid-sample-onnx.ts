// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { resolveGridSampleAttrs, type GridSampleAttrs } from '../contract/grid-sample.js';

/**
 * The ONNX form of **gridSample** (contract: `GridSampleAttrs`): one `GridSample` node (opset 16; the
 * attributes always written out).
 * @param input - `[N, C, H, W]`.
 * @param grid - `[N, Ho, Wo, 2]` (x, y) in [-1, 1].
 * @returns `[N, C, Ho, Wo]`.
 * @throws TypeError / RangeError for invalid attributes.
 */
export function gridSampleOnnx(g: GraphBuilder, input: OnnxValue, grid: OnnxValue, attrs: GridSampleAttrs = {}): OnnxValue {
  const { mode, paddingMode, alignCorners } = resolveGridSampleAttrs('gridSampleOnnx', attrs);
  return g.op('GridSample', [input, grid], { mode, padding_mode: paddingMode, align_corners: alignCorners ? 1 : 0 });
}
