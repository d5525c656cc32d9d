// SPDX-License-Identifier: Apache-2.0
// The onnxruntime-web WebGPU adapter (browsers with navigator.gpu).
import type { RuntimeAdapter } from '@taptr/runtime';
import * as ort from 'onnxruntime-web/webgpu';
import { createOrtWebAdapter } from './ort-web-adapter.js';
import { resolveWebRuntimeOptions, type WebRuntimeOptions } from './web-runtime-options.js';

export type { WebRuntimeOptions } from './web-runtime-options.js';

/**
 * Creates the onnxruntime-web **WebGPU** adapter (`name` `'ort-web-webgpu'`). `isSupported()` is
 * false, and `unsupportedReason()` says why, without `navigator.gpu`, without an adapter, or when
 * the execution provider fails on a probe model.
 * @throws TypeError / RangeError for an invalid option (naming it).
 * @example
 * import { createWebRuntime } from '@taptr/runtime-web/webgpu';
 * const tracker = await createTracker({ runtime: createWebRuntime(), model });
 */
export function createWebRuntime(options: WebRuntimeOptions = {}): RuntimeAdapter {
  return createOrtWebAdapter(ort, 'webgpu', resolveWebRuntimeOptions(options));
}
