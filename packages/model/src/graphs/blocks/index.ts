// SPDX-License-Identifier: Apache-2.0
export { groupNorm, groupNormWith } from './group-norm.js';
export { layerNorm } from './layer-norm.js';
export { linear, linearWith, transposeMatrix } from './linear.js';
export { detrMlp, mlp2, mlp3 } from './mlp.js';
export { msDeformAttn } from './ms-deform-attn.js';
export type { LevelShape, MsdaInputs, MsdaShape } from './ms-deform-attn.js';
export { multiHeadAttention } from './multi-head-attention.js';
export type { AttentionInputs } from './multi-head-attention.js';
export { requireParam } from './state-dict.js';
export type { StateDict } from './state-dict.js';
