// SPDX-License-Identifier: Apache-2.0
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuFlags, int8WeightsForCpu } from './cpu-features.js';

describe('cpu features', () => {
  it('reads the flags of this CPU on Linux', () => {
    const flags = cpuFlags();
    if (existsSync('/proc/cpuinfo') && process.arch === 'x64') expect(flags).toContain('sse2');
    expect(cpuFlags()).toBe(flags);
  });

  it('picks u8s8 (int8 weights) only with VNNI', () => {
    expect(int8WeightsForCpu(['avx2', 'fma', 'avx512f', 'avx512_vnni'])).toBe('int8');
    expect(int8WeightsForCpu(['avx2', 'fma', 'avx_vnni'])).toBe('int8');
    expect(int8WeightsForCpu(['avx2', 'fma', 'avx512f'])).toBe('uint8');
    expect(int8WeightsForCpu(['avx2', 'fma'])).toBe('uint8');
    expect(int8WeightsForCpu([])).toBe('uint8');
    expect(['int8', 'uint8']).toContain(int8WeightsForCpu());
  });
});
