// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { cpuClass, EXPENSIVE_FRESH_MS_PER_MB, machineClass, probeFreshMemory } from '../src/fresh-memory.js';

describe('fresh memory and the machine class (issue 15)', () => {
  it('classifies CPUs by the flags that pick onnxruntime kernels', () => {
    expect(cpuClass(['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx_vnni'])).toBe('AVX-512 VNNI');
    expect(cpuClass(['avx2', 'avx512f', 'avx512_vnni', 'amx_tile'])).toBe('AVX-512 VNNI + AMX');
    expect(cpuClass(['avx2', 'avx512f'])).toBe('AVX-512');
    expect(cpuClass(['avx2', 'fma', 'avx_vnni'])).toBe('AVX2 + AVX-VNNI');
    expect(cpuClass(['avx2', 'fma'])).toBe('AVX2/FMA');
    expect(cpuClass([])).toBe('other');
  });

  it('names the class with the fresh-memory cost', () => {
    const cheap = { megabytes: 178, firstTouchMs: 60, rewriteMs: 20, freshMsPerMB: 0.22, expensive: false };
    expect(machineClass({ cpuFlags: ['avx2', 'fma'] }, cheap)).toBe('AVX2/FMA, cheap fresh memory (0.22 ms/MB)');
    expect(machineClass({ cpuFlags: ['avx2', 'avx512f', 'avx512_vnni'] }, { ...cheap, freshMsPerMB: 3.1, expensive: true })).toBe(
      'AVX-512 VNNI, expensive fresh memory (3.10 ms/MB)',
    );
  });

  it('measures first touch and rewrite of a buffer', () => {
    const p = probeFreshMemory(8, 3);
    expect(p.megabytes).toBe(8);
    expect(p.firstTouchMs).toBeGreaterThanOrEqual(0);
    expect(p.rewriteMs).toBeGreaterThanOrEqual(0);
    expect(p.expensive).toBe(p.freshMsPerMB > EXPENSIVE_FRESH_MS_PER_MB);
  });
});
