// SPDX-License-Identifier: Apache-2.0
import { existsSync, readFileSync } from 'node:fs';
import { cpuFlags } from '@taptr/runtime-node';
import { createRequire } from 'node:module';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/** The machine a bench ran on. */
export interface MachineInfo {
  readonly cpu: string;
  /** Logical cores the OS reports. */
  readonly cores: number;
  /** CPU flags relevant to the MatMul kernels (avx2, avx512f, avx512_vnni, ...), Linux only. */
  readonly cpuFlags: readonly string[];
  readonly memoryGB: number;
  readonly platform: string;
}

/** 1, 5 and 15 minute load averages with a time stamp: how busy the shared machine was. */
export interface LoadSample {
  readonly at: string;
  readonly loadAverage: readonly [number, number, number];
}

const INTERESTING_FLAGS = ['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx512_bf16', 'amx_tile', 'avx_vnni'];

/** Describes this machine (CPU model, cores, flags, memory, OS). */
export function machineInfo(): MachineInfo {
  const flags = cpuFlags();
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    cpuFlags: INTERESTING_FLAGS.filter((f) => flags.includes(f)),
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()} ${release()} ${arch()}`,
  };
}

/** The load averages now. */
export function loadSample(): LoadSample {
  const [a = 0, b = 0, c = 0] = loadavg();
  const r = (v: number): number => Math.round(v * 100) / 100;
  return { at: new Date().toISOString(), loadAverage: [r(a), r(b), r(c)] };
}

/** Versions of Node, onnxruntime and the workspace packages the bench exercises (`-` when not installed). */
export function softwareVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const v = (pkg: string): string => {
    try {
      return (require(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      // No "./package.json" export: walk up from the entry point.
      try {
        for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
          const file = join(dir, 'package.json');
          if (existsSync(file)) {
            const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
            if (json.name === pkg) return json.version ?? '-';
          }
        }
      } catch {
        // not installed
      }
      return '-';
    }
  };
  const packages = [
    'onnxruntime-node',
    'onnxruntime-web',
    '@taptr/model',
    '@taptr/tracker',
    '@taptr/runtime-node',
    '@taptr/runtime-web',
    '@taptr/cli',
    '@taptr/tapvid',
  ];
  return { node: process.version, ...Object.fromEntries(packages.map((p) => [p, v(p)])) };
}
