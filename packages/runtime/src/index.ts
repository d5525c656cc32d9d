// SPDX-License-Identifier: Apache-2.0
export { checkFeeds, ModelIoMismatchError } from './model-io.js';
export type { ModelInputSpec, ModelIoMismatch } from './model-io.js';
export type { GpuBuffer, GpuTensors } from './gpu-tensors.js';
export type { ModelSession, ModelSessionOptions, RuntimeAdapter, RuntimeDType, TensorFactory } from './runtime-adapter.js';
export { selectRuntime } from './select-runtime.js';
export { createTensorFactory } from './tensor-factory.js';
export type { TensorConstructor } from './tensor-factory.js';
export { buildProbeModel } from './probe-model.js';
export { inputSpecsOf, wrapInferenceSession } from './wrap-session.js';
export type { InferenceSessionLike, WrapSessionOptions } from './wrap-session.js';
