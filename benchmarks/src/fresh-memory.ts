// SPDX-License-Identifier: Apache-2.0
import type { MachineInfo } from './machine-info.js';

/** The cost of memory fresh from the kernel against memory already mapped (issue 15). */
export interface FreshMemoryProbe {
  /** Size of the probe buffer (MB = 10^6 bytes): the encoder FFN's [21760, 2048] float32 output. */
  readonly megabytes: number;
  /** `new Float32Array(size)` + `set` of a source: the first write to memory just mapped, median ms. */
  readonly firstTouchMs: number;
  /** The same `set` into that buffer again, median ms. */
  readonly rewriteMs: number;
  /** (firstTouch − rewrite) / MB: what each MB of fresh memory adds. */
  readonly freshMsPerMB: number;
  /** Whether fresh memory is expensive here (above {@link EXPENSIVE_FRESH_MS_PER_MB}). */
  readonly expensive: boolean;
}

/**
 * Above this many ms per MB, fresh memory is "expensive": a machine where code that allocates its
 * large buffers per run is several times slower than code that reuses them (the micro-VMs of issue 15
 * measured 3-10 ms/MB; a page fault usually costs 0.1-0.3 ms/MB).
 */
export const EXPENSIVE_FRESH_MS_PER_MB = 1;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Measures first-touching and rewriting `megabytes` of float32 memory (median of `repeats`; each
 * first touch is a new buffer, dropped afterwards).
 */
export function probeFreshMemory(megabytes = 178, repeats = 3): FreshMemoryProbe {
  const floats = Math.round((megabytes * 1e6) / 4);
  const source = new Float32Array(floats).fill(1.5);
  const first: number[] = [];
  const again: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let t = performance.now();
    const fresh = new Float32Array(floats);
    fresh.set(source);
    first.push(performance.now() - t);
    t = performance.now();
    fresh.set(source);
    again.push(performance.now() - t);
  }
  const firstTouchMs = median(first);
  const rewriteMs = median(again);
  const freshMsPerMB = Math.max(0, firstTouchMs - rewriteMs) / megabytes;
  return {
    megabytes,
    firstTouchMs: Math.round(firstTouchMs),
    rewriteMs: Math.round(rewriteMs),
    freshMsPerMB: Math.round(freshMsPerMB * 100) / 100,
    expensive: freshMsPerMB > EXPENSIVE_FRESH_MS_PER_MB,
  };
}

/** The CPU's class for onnxruntime's kernels, from its flags: `AVX-512 VNNI`, `AVX-512`, `AVX2 + AVX-VNNI`, `AVX2/FMA`, or `other`. */
export function cpuClass(flags: readonly string[]): string {
  const has = (f: string): boolean => flags.includes(f);
  const amx = has('amx_tile') ? ' + AMX' : '';
  if (has('avx512f') && has('avx512_vnni')) return `AVX-512 VNNI${amx}`;
  if (has('avx512f')) return `AVX-512${amx}`;
  if (has('avx2') && has('avx_vnni')) return 'AVX2 + AVX-VNNI';
  if (has('avx2')) return 'AVX2/FMA';
  return 'other';
}

/**
 * The machine class a figure belongs to (issue 15: the CPU's kernel class and whether fresh memory is
 * expensive), e.g. `AVX-512 VNNI, expensive fresh memory (3.1 ms/MB)`.
 */
export function machineClass(machine: Pick<MachineInfo, 'cpuFlags'>, probe: FreshMemoryProbe): string {
  return `${cpuClass(machine.cpuFlags)}, ${probe.expensive ? 'expensive' : 'cheap'} fresh memory (${probe.freshMsPerMB.toFixed(2)} ms/MB)`;
}
