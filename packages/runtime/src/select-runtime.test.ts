// SPDX-License-Identifier: Apache-2.0
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import type { RuntimeAdapter } from './runtime-adapter.js';
import { selectRuntime } from './select-runtime.js';

function fake(name: string, supported: boolean | Error, reason?: string): RuntimeAdapter {
  return {
    name,
    isSupported: () => (supported instanceof Error ? Promise.reject(supported) : Promise.resolve(supported)),
    ...(reason === undefined ? {} : { unsupportedReason: () => Promise.resolve(reason) }),
    createSession: () => Promise.reject(new Error('not used')),
    tensors: {
      tensor: () => {
        throw new Error('not used');
      },
    },
  };
}

describe('selectRuntime', () => {
  it('returns the first supported candidate in order', async () => {
    const b = fake('b', true);
    expect(await selectRuntime([fake('a', false), b, fake('c', true)])).toBe(b);
  });

  it('throws TAPTR_NO_RUNTIME listing every candidate and its reason', async () => {
    const error = await selectRuntime([fake('gpu', false, 'no WebGPU adapter'), fake('wasm', new Error('boom'))]).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_NO_RUNTIME')).toBe(true);
    expect((error as Error).message).toBe('selectRuntime: no usable runtime (gpu: no WebGPU adapter; wasm: boom)');
  });

  it('throws TAPTR_NO_RUNTIME for an empty list', async () => {
    await expect(selectRuntime([])).rejects.toThrow(/no candidate adapters/);
  });
});
