// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): the ONNX encode/decode cost of the released configuration's graphs (synthetic
// state dict): per graph, the whole build (graph construction + encoding), the encoding of the decoded
// model alone, the decoding, and the peak RSS of a process that builds only that graph. Usage:
//   npx tsx --conditions @taptr/source bench/graph-encode.bench.ts [--runs 3]
//   (one child process per graph; `--graph <role>` runs one of them in this process)
import { execFileSync } from 'node:child_process';
import { decodeOnnxModel, encodeOnnxModel } from '@taptr/onnx';
import { syntheticStateDict } from '../src/checkpoint/synthetic-state-dict.js';
import { RELEASED_CONFIG } from '../src/config/taptr-config.js';
import { buildDecoderWindowGraph } from '../src/graphs/decoder-window.js';
import { buildFrameEncoder } from '../src/graphs/frame-encoder.js';
import { buildQueryInitGraph } from '../src/graphs/query-init.js';

const ROLES = ['frameEncoder', 'queryInit', 'decoderWindow', 'decoderWindowSampleFirst'] as const;
type Role = (typeof ROLES)[number];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function measure(role: Role, runs: number): Record<string, number | string> {
  const stateDict = syntheticStateDict(RELEASED_CONFIG);
  const build = (): Uint8Array => {
    if (role === 'frameEncoder') return buildFrameEncoder(stateDict, RELEASED_CONFIG);
    if (role === 'queryInit') return buildQueryInitGraph(stateDict, RELEASED_CONFIG);
    return buildDecoderWindowGraph(stateDict, RELEASED_CONFIG, role === 'decoderWindowSampleFirst' ? { crossAttention: 'sample-first' } : {});
  };
  let t = performance.now();
  const bytes = build();
  const buildMs = performance.now() - t;
  const rssAfterBuildMb = process.resourceUsage().maxRSS / 1024;
  const decodeMs: number[] = [];
  const encodeMs: number[] = [];
  let encodedLength = 0;
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    const { model } = decodeOnnxModel(bytes, 'bench');
    decodeMs.push(performance.now() - t);
    t = performance.now();
    encodedLength = encodeOnnxModel(model).length;
    encodeMs.push(performance.now() - t);
  }
  return {
    role,
    mb: +(bytes.length / 1e6).toFixed(1),
    reencodedSame: String(encodedLength === bytes.length),
    buildMs: Math.round(buildMs),
    encodeMs: Math.round(median(encodeMs)),
    decodeMs: Math.round(median(decodeMs)),
    peakRssBuildMb: Math.round(rssAfterBuildMb),
  };
}

const runs = Number(arg('runs') ?? 3);
const only = arg('graph') as Role | undefined;
if (only !== undefined) {
  process.stdout.write(`${JSON.stringify(measure(only, runs))}\n`);
} else {
  const rows = ROLES.map((role) => {
    const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--graph', role, '--runs', String(runs)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | string>;
  });
  console.table(rows);
}
