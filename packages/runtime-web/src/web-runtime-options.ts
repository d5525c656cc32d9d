// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';

/** Options of `createWebRuntime` (both the wasm and the WebGPU entry). */
export interface WebRuntimeOptions {
  /**
   * wasm threads (onnxruntime-web `env.wasm.numThreads`). 0 = automatic: up to 4 threads when the
   * page is cross-origin isolated (COOP/COEP headers), else 1. More than 1 thread needs cross-origin
   * isolation; without it the adapter reports itself unsupported and says why. Defaults to 0.
   * The wasm runtime is initialised once per page with the thread count of the first session.
   */
  readonly threads?: number;
  /**
   * Where onnxruntime-web loads its `ort-wasm-simd-threaded*.{mjs,wasm}` files from: a URL prefix
   * ending in `/` (e.g. `'/ort/'`), or a map of file names to URLs. Defaults to onnxruntime-web's
   * own resolution (next to the bundle).
   */
  readonly wasmPaths?: string | { readonly mjs?: string; readonly wasm?: string };
  /** The `.wasm` binary itself (e.g. read from disk in Node.js); overrides `wasmPaths` for the binary. */
  readonly wasmBinary?: Uint8Array | ArrayBuffer;
  /** onnxruntime graph optimisation level. Defaults to `'all'`. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** Resolved {@link WebRuntimeOptions}. @internal */
export interface ResolvedWebRuntimeOptions {
  readonly threads: number;
  readonly wasmPaths: WebRuntimeOptions['wasmPaths'];
  readonly wasmBinary: Uint8Array | ArrayBuffer | undefined;
  readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
}

const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

/**
 * Validates {@link WebRuntimeOptions}.
 * @throws TypeError / RangeError naming the option, the expected and the actual value.
 * @internal
 */
export function resolveWebRuntimeOptions(options: WebRuntimeOptions): ResolvedWebRuntimeOptions {
  const fn = 'createWebRuntime';
  if (options === null || typeof options !== 'object') throw invalidArgument('type', fn, 'options', 'an object', describeValue(options));
  const threads = options.threads ?? 0;
  if (!Number.isInteger(threads) || threads < 0) {
    throw invalidArgument('range', fn, 'options.threads', 'a non-negative integer (0 = automatic)', describeValue(threads));
  }
  const level = options.graphOptimizationLevel ?? 'all';
  if (!(OPTIMIZATION_LEVELS as readonly string[]).includes(level)) {
    throw invalidArgument('range', fn, 'options.graphOptimizationLevel', `one of ${OPTIMIZATION_LEVELS.join(', ')}`, describeValue(level));
  }
  const paths = options.wasmPaths;
  if (paths !== undefined && typeof paths !== 'string' && (paths === null || typeof paths !== 'object')) {
    throw invalidArgument('type', fn, 'options.wasmPaths', "a URL prefix (e.g. '/ort/') or { mjs?, wasm? }", describeValue(paths));
  }
  const binary = options.wasmBinary;
  if (binary !== undefined && !(binary instanceof Uint8Array) && !(binary instanceof ArrayBuffer)) {
    throw invalidArgument('type', fn, 'options.wasmBinary', 'a Uint8Array or an ArrayBuffer', describeValue(binary));
  }
  return { threads, wasmPaths: paths, wasmBinary: binary, graphOptimizationLevel: level };
}
