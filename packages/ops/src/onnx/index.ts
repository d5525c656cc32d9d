// SPDX-License-Identifier: Apache-2.0
// @taptr/ops/onnx: the ONNX forms of the ops (emitters into an @taptr/onnx GraphBuilder).
export { bilinearCornersOnnx, bilinearGatherOnnx } from './bilinear-gather-onnx.js';
export type { BilinearCorners, BilinearGatherOnnxAttrs, OnnxPositions } from './bilinear-gather-onnx.js';
export { costVolumeOnnx, costVolumeSourceOnnx, sampleCostVolumeOnnx } from './cost-volume-onnx.js';
export type { CostVolumeOnnxAttrs, CostVolumeOnnxSource } from './cost-volume-onnx.js';
export { gridSampleOnnx } from './grid-sample-onnx.js';
