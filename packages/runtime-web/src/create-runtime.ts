// SPDX-License-Identifier: Apache-2.0
import type { RuntimeAdapter } from '@taptr/runtime';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import type { WebRuntimeOptions } from './web-runtime-options.js';

/** The backends a caller chooses from: onnxruntime-node CPU, onnxruntime-web wasm, WebGPU. */
export const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
/** One of {@link BACKENDS}. */
export type Backend = (typeof BACKENDS)[number];

/** Options of {@link createRuntime}. */
export interface CreateRuntimeOptions extends WebRuntimeOptions {
  /**
   * Makes the `'cpu'` adapter. `'cpu'` is onnxruntime-node, which this universal package never
   * imports: Node.js callers pass e.g. `() => createNodeRuntime({ threads: 2 })`.
   */
  readonly cpu?: () => RuntimeAdapter | Promise<RuntimeAdapter>;
  /**
   * Node.js callers may also route `'webgpu'` to onnxruntime-node's own WebGPU execution provider,
   * e.g. `() => createNodeRuntime({ executionProvider: 'webgpu' })`. Defaults to onnxruntime-web's.
   */
  readonly webgpu?: () => RuntimeAdapter | Promise<RuntimeAdapter>;
}

/**
 * Creates the runtime adapter of one backend and checks that it works here.
 * `'wasm'` and `'webgpu'` load `@taptr/runtime-web/wasm` / `/webgpu` on demand (only the chosen
 * onnxruntime-web bundle is fetched).
 * @param backend - `'cpu' | 'wasm' | 'webgpu'`.
 * @throws RangeError for an unknown backend; TaptrError `TAPTR_WEBGPU_UNAVAILABLE` (no navigator.gpu,
 *   no adapter, the EP failed) or `TAPTR_NO_RUNTIME` (no cpu factory given, wasm threads without
 *   cross-origin isolation, the wasm runtime failed to start), with the reason in the message.
 * @example
 * const runtime = await createRuntime('webgpu');   // in a browser
 * const runtime = await createRuntime('cpu', { cpu: () => createNodeRuntime() });   // in Node.js
 */
export async function createRuntime(backend: Backend, options: CreateRuntimeOptions = {}): Promise<RuntimeAdapter> {
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    throw invalidArgument('range', 'createRuntime', 'backend', `one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}`, describeValue(backend));
  }
  const { cpu, webgpu, ...web } = options;
  let adapter: RuntimeAdapter;
  if (backend === 'cpu') {
    if (cpu === undefined) {
      throw new TaptrError(
        'TAPTR_NO_RUNTIME',
        "createRuntime: backend 'cpu' is onnxruntime-node (Node.js only) and no options.cpu factory was given; in a browser use 'wasm' (CPU) or 'webgpu'",
      );
    }
    adapter = await cpu();
  } else if (backend === 'webgpu') {
    adapter = webgpu !== undefined ? await webgpu() : (await import('./webgpu.js')).createWebRuntime(web);
  } else {
    adapter = (await import('./wasm.js')).createWebRuntime(web);
  }
  const reason = await (adapter.unsupportedReason?.() ?? adapter.isSupported().then((ok) => (ok ? undefined : 'not supported')));
  if (reason !== undefined) {
    throw new TaptrError(
      backend === 'webgpu' ? 'TAPTR_WEBGPU_UNAVAILABLE' : 'TAPTR_NO_RUNTIME',
      `createRuntime: backend '${backend}' (${adapter.name}) is unavailable: ${reason}`,
    );
  }
  return adapter;
}
