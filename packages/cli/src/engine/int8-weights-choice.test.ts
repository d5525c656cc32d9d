// SPDX-License-Identifier: Apache-2.0
import { isTaptrError } from '@taptr/tensor';
import { int8WeightsForCpu } from '@taptr/runtime-node';
import { describe, expect, it } from 'vitest';
import { int8WeightsFromEnv, pickInt8Weights } from './int8-weights-choice.js';
import { describeModelVariant } from './load-model.js';

describe('pickInt8Weights', () => {
  it('auto: u8s8 with AVX-512 VNNI or AVX-VNNI, u8u8 on AVX2, ARM and where no flags are known', () => {
    expect(pickInt8Weights('auto', '--int8-weights', ['avx2', 'avx512f', 'avx512_vnni'])).toEqual({
      weights: 'int8',
      kernels: 'u8s8',
      reason: 'this CPU has AVX-512 VNNI',
    });
    expect(pickInt8Weights('auto', '--int8-weights', ['avx2', 'avx_vnni'])).toEqual({ weights: 'int8', kernels: 'u8s8', reason: 'this CPU has AVX-VNNI' });
    expect(pickInt8Weights('auto', '--int8-weights', ['sse4_2', 'avx2', 'fma'])).toEqual({
      weights: 'uint8',
      kernels: 'u8u8',
      reason: 'this CPU has AVX2 without VNNI, where u8s8 saturates',
    });
    expect(pickInt8Weights('auto', '--int8-weights', ['fp', 'asimd', 'asimddp']).weights).toBe('uint8'); // ARM
    expect(pickInt8Weights('auto', '--int8-weights', []).reason).toBe('no x86 CPU flags found (not Linux on x86), u8u8 is exact everywhere');
    // The wasm and webgpu backends run onnxruntime-web's kernels: u8u8 unless forced.
    expect(pickInt8Weights('auto', '--int8-weights', ['avx512_vnni'], 'wasm')).toEqual({
      weights: 'uint8',
      kernels: 'u8u8',
      reason: "the wasm backend runs onnxruntime-web's int8 kernels, where u8u8 never saturates",
    });
    expect(pickInt8Weights('u8s8', 'TAPTR_INT8_WEIGHTS=', ['avx512_vnni'], 'webgpu').weights).toBe('int8');
    // This machine: the runtime's choice.
    expect(pickInt8Weights('auto', '--int8-weights').weights).toBe(int8WeightsForCpu());
  });

  it('forced: the kernel asked for, whatever the CPU, and says by what', () => {
    expect(pickInt8Weights('u8s8', '--int8-weights', ['avx2'])).toEqual({ weights: 'int8', kernels: 'u8s8', reason: 'forced by --int8-weights u8s8' });
    expect(pickInt8Weights('u8u8', 'TAPTR_INT8_WEIGHTS=', ['avx512_vnni'])).toEqual({
      weights: 'uint8',
      kernels: 'u8u8',
      reason: 'forced by TAPTR_INT8_WEIGHTS=u8u8',
    });
  });

  it('TAPTR_INT8_WEIGHTS: auto when unset or empty, a usage error for another value', () => {
    expect(int8WeightsFromEnv({})).toBe('auto');
    expect(int8WeightsFromEnv({ TAPTR_INT8_WEIGHTS: '' })).toBe('auto');
    expect(int8WeightsFromEnv({ TAPTR_INT8_WEIGHTS: 'u8s8' })).toBe('u8s8');
    let error: unknown;
    try {
      int8WeightsFromEnv({ TAPTR_INT8_WEIGHTS: 'int8' });
    } catch (e) {
      error = e;
    }
    expect(isTaptrError(error, 'TAPTR_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe('TAPTR_INT8_WEIGHTS must be one of auto, u8u8, u8s8, got "int8"');
  });

  it('describeModelVariant names the int8 kernels and a rewrite', () => {
    const info = { precision: 'int8', resolution: 128, int8Weights: { weights: 'int8', kernels: 'u8s8', stored: 'uint8', rewritten: true } };
    expect(describeModelVariant(info)).toBe('int8 u8s8 (rewritten from u8u8) @ 128');
    expect(describeModelVariant({ ...info, int8Weights: { ...info.int8Weights, stored: 'int8', rewritten: false } })).toBe('int8 u8s8 @ 128');
  });
});
