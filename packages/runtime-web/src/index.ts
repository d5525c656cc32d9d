// SPDX-License-Identifier: Apache-2.0
// Universal entry: the backend selector and environment checks. The adapters themselves are the
// subpath entries '@taptr/runtime-web/wasm' and '@taptr/runtime-web/webgpu'.
export { BACKENDS, createRuntime } from './create-runtime.js';
export type { Backend, CreateRuntimeOptions } from './create-runtime.js';
export { isCrossOriginIsolated, wasmThreads, webgpuUnavailableReason } from './environment.js';
export type { WebRuntimeOptions } from './web-runtime-options.js';
