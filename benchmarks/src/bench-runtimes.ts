// SPDX-License-Identifier: Apache-2.0
import type { RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime, type NodeMemoryMode } from '@taptr/runtime-node';
import type { BenchBackend } from './bench-options.js';

/** A backend that can run here, or why it cannot. */
export type OpenedBackend =
  | {
      readonly runtime: RuntimeAdapter;
      /** Intra-op threads actually used (wasm in Node: 1, see {@link openBackend}). */
      readonly threads: number;
      readonly note?: string;
    }
  | { readonly unavailable: string };

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * The wasm adapter of `@taptr/runtime-web/wasm` (onnxruntime-web), loaded lazily (onnxruntime-web is
 * large and only this backend needs it).
 */
async function openWasm(threads: number): Promise<OpenedBackend> {
  let createWebRuntime: (options: { threads: number }) => RuntimeAdapter;
  try {
    ({ createWebRuntime } = await import('@taptr/runtime-web/wasm'));
  } catch (error) {
    return { unavailable: `@taptr/runtime-web/wasm cannot be loaded in Node (${firstLine(error)})` };
  }
  try {
    const runtime = createWebRuntime({ threads });
    const reason = (await runtime.isSupported()) ? undefined : ((await runtime.unsupportedReason?.()) ?? `${runtime.name} reports itself unsupported in Node`);
    if (reason === undefined) return { runtime, threads, note: `createWebRuntime from @taptr/runtime-web/wasm, ${threads} thread(s)` };
    // Multi-threaded wasm needs cross-origin isolation, which Node does not have: measure 1 thread.
    if (threads > 1) {
      const single = createWebRuntime({ threads: 1 });
      if (await single.isSupported())
        return {
          runtime: single,
          threads: 1,
          note: `createWebRuntime from @taptr/runtime-web/wasm with 1 thread (${threads} refused: ${reason.split(';')[0]})`,
        };
    }
    return { unavailable: reason };
  } catch (error) {
    return { unavailable: `createWebRuntime() failed in Node (${firstLine(error)})` };
  }
}

/**
 * Opens a bench backend with `threads` intra-op threads: `cpu` = onnxruntime-node CPU (with the memory
 * mode `memory`, default the adapter's), `webgpu` =
 * onnxruntime-node's WebGPU EP (a software adapter such as SwiftShader when there is no GPU: noted),
 * `wasm` = `@taptr/runtime-web/wasm`. Never throws: an unusable backend comes back with its reason.
 */
export async function openBackend(
  backend: BenchBackend,
  threads: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
  memory?: NodeMemoryMode,
): Promise<OpenedBackend> {
  if (backend === 'wasm') return openWasm(threads);
  try {
    const runtime = createNodeRuntime({ threads, executionProvider: backend, ...(memory !== undefined && backend === 'cpu' ? { memory } : {}) });
    const reason = await runtime.unsupportedReason?.();
    if (reason !== undefined) return { unavailable: reason };
    if (backend === 'webgpu') {
      const icd = env['VK_ICD_FILENAMES'] ?? '';
      return {
        runtime,
        threads,
        note: /swiftshader/i.test(icd) ? `software Vulkan adapter (SwiftShader: ${icd}), not a GPU` : `Vulkan ICD ${icd === '' ? '(system default)' : icd}`,
      };
    }
    return { runtime, threads };
  } catch (error) {
    return { unavailable: firstLine(error) };
  }
}
