// SPDX-License-Identifier: Apache-2.0
// @taptr/ops/webgpu: WGSL kernels for the @taptr/ops contracts.
export { createWebGpuKernels, createWebGpuOps } from './create-webgpu-ops.js';
export type { WebGpuOpsOptions } from './create-webgpu-ops.js';
export type { GpuTensor } from './gpu-tensor.js';
