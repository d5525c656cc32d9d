// SPDX-License-Identifier: Apache-2.0
// Test helpers shared by every runtime adapter (vitest; node by default).
export { runRuntimeConformance } from './conformance.js';
export type { RuntimeConformanceOptions } from './conformance.js';
export { buildAffineModel, buildMatMulModel, buildMixedTypesModel, buildUnknownShapeModel } from './conformance-models.js';
export { buildTinyModel } from './tiny-model.js';
export type { TinyModelSpec, TinyNode, TinyValue } from './tiny-model.js';
