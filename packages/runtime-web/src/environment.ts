// SPDX-License-Identifier: Apache-2.0
/// <reference types="@webgpu/types" />
// Feature detection for onnxruntime-web without any Node.js import (universal code).

/** Whether the global scope is cross-origin isolated (COOP/COEP), which wasm threads need. */
export function isCrossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** Logical cores reported by the browser (or 1 when unknown). */
function hardwareThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n > 0 ? n : 1;
}

/**
 * The wasm thread count a `threads` option means here: 0 = automatic (min(4, cores) when
 * cross-origin isolated, else 1). Returns a reason instead when more than one thread is asked for
 * without cross-origin isolation.
 */
export function wasmThreads(requested: number): { threads: number } | { reason: string } {
  if (requested === 0) return { threads: isCrossOriginIsolated() ? Math.max(1, Math.min(4, hardwareThreads())) : 1 };
  if (requested > 1 && !isCrossOriginIsolated()) {
    return {
      reason:
        `${requested} wasm threads need cross-origin isolation (serve the page with the headers ` +
        `Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), ` +
        `but crossOriginIsolated is ${String((globalThis as { crossOriginIsolated?: unknown }).crossOriginIsolated)}; use threads: 1`,
    };
  }
  return { threads: requested };
}

/** Resolves `undefined` when a WebGPU adapter exists, else the reason (no navigator.gpu, no adapter). Never rejects. */
export async function webgpuUnavailableReason(): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (gpu === undefined || gpu === null) {
    return 'navigator.gpu is missing (this browser or context has no WebGPU; Chromium needs a secure context, headless Chromium --enable-unsafe-webgpu)';
  }
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return 'navigator.gpu.requestAdapter() returned no adapter (no usable GPU; headless Chromium needs --enable-unsafe-webgpu)';
    return undefined;
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
