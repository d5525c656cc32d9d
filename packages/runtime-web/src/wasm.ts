// SPDX-License-Identifier: Apache-2.0
// The onnxruntime-web wasm adapter (CPU in the browser or in Node.js).
import type { RuntimeAdapter } from '@taptr/runtime';
import * as ort from 'onnxruntime-web/wasm';
import { createOrtWebAdapter } from './ort-web-adapter.js';
import { resolveWebRuntimeOptions, type WebRuntimeOptions } from './web-runtime-options.js';

export type { WebRuntimeOptions } from './web-runtime-options.js';

/**
 * Creates the onnxruntime-web **wasm** adapter (`name` `'ort-web-wasm'`).
 * @throws TypeError / RangeError for an invalid option (naming it).
 * @example
 * import { createWebRuntime } from '@taptr/runtime-web/wasm';
 * const runtime = createWebRuntime({ threads: 0, wasmPaths: '/ort/' });
 * if (!(await runtime.isSupported())) console.warn(await runtime.unsupportedReason?.());
 */
export function createWebRuntime(options: WebRuntimeOptions = {}): RuntimeAdapter {
  return createOrtWebAdapter(ort, 'wasm', resolveWebRuntimeOptions(options));
}
