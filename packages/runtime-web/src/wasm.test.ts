// SPDX-License-Identifier: Apache-2.0
// The wasm adapter in Node.js: the shared conformance suite. In Node the onnxruntime-web/wasm
// bundle cannot fetch its .wasm from a file URL, so the binary is passed in (options.wasmBinary)
// and models "by path" are data: URLs (onnxruntime-web opens strings with fetch).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildProbeModel } from '@taptr/runtime';
import { runRuntimeConformance } from '@taptr/runtime/testing';
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { createWebRuntime } from './wasm.js';

const require = createRequire(import.meta.url);
const wasmBinary = readFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
const wasm = createWebRuntime({ threads: 1, wasmBinary });

runRuntimeConformance('ort-web-wasm (node, 1 thread)', () => wasm, {
  materialize: (bytes) => Promise.resolve(`data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`),
});

describe('createWebRuntime (wasm)', () => {
  it('names itself ort-web-wasm', () => {
    expect(wasm.name).toBe('ort-web-wasm');
  });

  it('rejects invalid options naming the option, expected and actual value', () => {
    expect(() => createWebRuntime({ threads: -1 })).toThrow('createWebRuntime: options.threads must be a non-negative integer (0 = automatic), got -1');
    expect(() => createWebRuntime({ threads: 1.5 })).toThrow(RangeError);
    expect(() => createWebRuntime({ graphOptimizationLevel: 'max' as 'all' })).toThrow(
      /options.graphOptimizationLevel must be one of disabled, basic, extended, all, got "max"/,
    );
    expect(() => createWebRuntime({ wasmBinary: 'x' as unknown as Uint8Array })).toThrow(TypeError);
    expect(() => createWebRuntime({ wasmPaths: 3 as unknown as string })).toThrow(/options.wasmPaths/);
  });

  it('is unsupported with more than one thread without cross-origin isolation, and says why', async () => {
    const threaded = createWebRuntime({ threads: 2, wasmBinary });
    expect(await threaded.isSupported()).toBe(false);
    expect(await threaded.unsupportedReason?.()).toMatch(
      /cross-origin isolation.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/,
    );
    const error = await threaded.createSession(buildProbeModel()).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_NO_RUNTIME'), String(error)).toBe(true);
  });

  it('reports an unloadable model as TAPTR_IO naming it', async () => {
    const error = await wasm.createSession(new Uint8Array([1, 2, 3]), { logId: 'broken.onnx' }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_IO')).toBe(true);
    expect((error as Error).message).toContain('broken.onnx');
  });

  it('rejects a model argument that is neither bytes nor a URL', async () => {
    await expect(wasm.createSession(42 as unknown as string)).rejects.toThrow('createSession: model must be ONNX bytes (Uint8Array) or a URL, got 42');
  });
});
