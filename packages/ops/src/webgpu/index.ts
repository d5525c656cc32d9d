// SPDX-License-Identifier: Apache-2.0
// @taptr/ops/webgpu: the WebGPU forms of the ops (WGSL kernels behind the OpsBackend contract).
export { createWebGpuOps } from './create-webgpu-ops.js';
export type { WebGpuOpsOptions } from './create-webgpu-ops.js';
export type { GpuTensor } from './gpu-tensor.js';
