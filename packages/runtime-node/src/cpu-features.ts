// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';

let cached: readonly string[] | undefined;

/**
 * The CPU's feature flags as Linux reports them (`flags` of the first processor in `/proc/cpuinfo`,
 * e.g. `avx2`, `avx512f`, `avx512_vnni`, `avx_vnni`); empty where that file does not exist (macOS,
 * Windows). Read once.
 */
export function cpuFlags(): readonly string[] {
  if (cached === undefined) {
    try {
      cached = Object.freeze(/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim().split(/\s+/) ?? []);
    } catch {
      cached = Object.freeze([]);
    }
  }
  return cached;
}

/**
 * The int8 weight type for dynamic quantization that suits a CPU (issue 15): `'int8'` (u8s8) on x86
 * CPUs with VNNI (`avx512_vnni` or `avx_vnni`: `vpdpbusd` adds u8·s8 products in int32, so it cannot
 * saturate, and it is onnxruntime's faster int8 kernel there), else `'uint8'` (u8u8: on AVX2 without
 * VNNI u8s8 adds pairs of products in int16 and saturates, which moved tracks by pixels). Pass it to
 * `applyTaptrPrecision(graphs, 'int8', { int8Weights })` of `@taptr/model` on the machine that will run
 * the model.
 * @param flags - CPU flags; defaults to this machine's ({@link cpuFlags}).
 */
export function int8WeightsForCpu(flags: readonly string[] = cpuFlags()): 'int8' | 'uint8' {
  return flags.includes('avx512_vnni') || flags.includes('avx_vnni') ? 'int8' : 'uint8';
}
