// SPDX-License-Identifier: Apache-2.0
// @taptr/ops: the op contracts and the CPU reference kernels (ONNX forms: @taptr/ops/onnx; WebGPU: @taptr/ops/webgpu).
export type { BilinearGatherAttrs, BilinearPaddingMode } from './contract/bilinear-gather.js';
export { costVolumeTaps, levelTokens } from './contract/cost-volume.js';
export type { CostVolumeAttrs, CostVolumeMethod, LevelShape } from './contract/cost-volume.js';
export type { GridSampleAttrs, GridSampleMode, GridSamplePaddingMode } from './contract/grid-sample.js';
export type { OpsBackend, OpsTensor } from './contract/ops-backend.js';
export type { PixelScale } from './contract/pixel-scale.js';
export { createCpuOps } from './cpu/create-cpu-ops.js';
export type { CpuTensor } from './cpu/create-cpu-ops.js';
