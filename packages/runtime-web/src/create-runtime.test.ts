// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { createRuntime } from './create-runtime.js';
import { wasmThreads, webgpuUnavailableReason } from './environment.js';

const require = createRequire(import.meta.url);
const wasmBinary = readFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));

describe('createRuntime', () => {
  it('rejects an unknown backend naming the argument', async () => {
    await expect(createRuntime('cuda' as 'cpu')).rejects.toThrow(`createRuntime: backend must be one of 'cpu', 'wasm', 'webgpu', got "cuda"`);
  });

  it("explains that 'cpu' is onnxruntime-node when no cpu factory is given", async () => {
    const error = await createRuntime('cpu').catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_NO_RUNTIME')).toBe(true);
    expect((error as Error).message).toMatch(/onnxruntime-node.*'wasm'/);
  });

  it("uses the given cpu factory for 'cpu'", async () => {
    const fake = {
      name: 'fake-cpu',
      tensors: {
        tensor: () => {
          throw new Error('unused');
        },
      },
      isSupported: () => Promise.resolve(true),
      createSession: () => Promise.reject(new Error('unused')),
    };
    expect(await createRuntime('cpu', { cpu: () => fake })).toBe(fake);
  });

  it("creates a working wasm adapter for 'wasm'", async () => {
    const runtime = await createRuntime('wasm', { threads: 1, wasmBinary });
    expect(runtime.name).toBe('ort-web-wasm');
  });

  it("fails 'webgpu' with TAPTR_WEBGPU_UNAVAILABLE saying why (Node.js has no navigator.gpu)", async () => {
    const error = await createRuntime('webgpu').catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_WEBGPU_UNAVAILABLE'), String(error)).toBe(true);
    expect((error as Error).message).toContain('navigator.gpu is missing');
  });

  it('reports a custom adapter that is not supported with its reason', async () => {
    const broken = {
      name: 'broken',
      tensors: {
        tensor: () => {
          throw new Error('unused');
        },
      },
      isSupported: () => Promise.resolve(false),
      unsupportedReason: () => Promise.resolve('no adapter here'),
      createSession: () => Promise.reject(new Error('unused')),
    };
    const error = await createRuntime('webgpu', { webgpu: () => broken }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_WEBGPU_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toBe("createRuntime: backend 'webgpu' (broken) is unavailable: no adapter here");
  });
});

describe('environment checks', () => {
  it('uses one thread automatically without cross-origin isolation', () => {
    expect(wasmThreads(0)).toEqual({ threads: 1 });
    expect(wasmThreads(1)).toEqual({ threads: 1 });
    expect(wasmThreads(3)).toHaveProperty('reason');
  });

  it('reports a missing navigator.gpu', async () => {
    expect(await webgpuUnavailableReason()).toMatch(/navigator.gpu is missing/);
  });
});
