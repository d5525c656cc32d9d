import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
// SPDX-License-Identifier: Apache-2.0

/** Frequencies per coordinate of the decoder's sine embedding (fixed at 128 whatever C is; spec §8.3). */
const SINE_FEATURES = 128;

/**
 * The 4-d sine embedding of the decoder's references (DAB-DETR `gen_sineembed_for_position`, spec §8
 * step 1): for the components in the order **y, x, w, h**, `p_j = v·2π / T^(2⌊j/2⌋/128)` for
 * j = 0..127, emitted as `[sin p_0, cos p_1, sin p_2, cos p_3, …]`.
 * @param reference - sigmoid-space references `[..., 4]` (x, y, w, h).
 * @param temperature - `transformer_pe_temperature` (10 in TAPTR).
 * @returns `[..., 512]`.
 */
export function sineEmbedding4(g: GraphBuilder, reference: OnnxValue, temperature: number): OnnxValue {
  const half = SINE_FEATURES / 2;
  // dim_t[2j] = dim_t[2j+1] = T^(2j/128): only the even entries are needed (sin uses even, cos odd indices).
  const dimT = new Float32Array(half);
  for (let j = 0; j < half; j++) dimT[j] = Math.fround(temperature ** ((2 * j) / SINE_FEATURES));
  const yxwh = g.gather(reference, g.constInt64([1, 0, 2, 3]), -1);
  const scaled = g.mul(yxwh, g.constFloat(Math.fround(2 * Math.PI)));
  const phase = g.div(g.unsqueeze(scaled, [-1]), g.constFloat(dimT, [half])); // [..., 4, 64]
  const pairs = g.concat([g.unsqueeze(g.sin(phase), [-1]), g.unsqueeze(g.cos(phase), [-1])], -1); // [..., 4, 64, 2]
  return g.reshape(pairs, g.concat([g.shape(reference, 0, -1), g.constInt64([4 * SINE_FEATURES])], 0));
}
