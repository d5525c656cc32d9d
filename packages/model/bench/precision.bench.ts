// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): the opt-in faster CPU variants (issue 9) against the fp32 graphs, released
// configuration with a synthetic state dict, onnxruntime-node CPU. Per variant (precision @ resolution):
// G1 frame_encoder ms/frame and G3 decoder_window ms/window at N points, all sessions alive at once and
// timed round-robin (the same machine load for every variant), plus the steady-state end-to-end estimate
// per frame = encoder + window / stride (every frame is in K / stride windows that advance by stride).
// The decoder is the one the tracker picks at N (sample-first for N <= 64, its default
// sampleFirstMaxPoints; else project-first), or --decoder sample-first|project-first.
// Prints JSON. Usage:
//   npx tsx --conditions @taptr/source bench/precision.bench.ts [--runs 3] [--threads 2] [--points 16]
//     [--variants fp32@512,int8@512,fp32@384,int8@384,fp32@320,int8@320] [--decoder sample-first|project-first]
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import * as ort from 'onnxruntime-node';
import { syntheticStateDict } from '../src/checkpoint/synthetic-state-dict.js';
import { memoryTokens, RELEASED_CONFIG, type TaptrConfig } from '../src/config/taptr-config.js';
import { buildDecoderWindowGraph } from '../src/graphs/decoder-window.js';
import { buildFrameEncoder } from '../src/graphs/frame-encoder.js';
import { buildQueryInitGraph } from '../src/graphs/query-init.js';
import type { TaptrGraphs } from '../src/format/graph-roles.js';
import { isTaptrPrecision, type TaptrPrecision } from '../src/format/taptr-precision.js';
import { applyTaptrPrecision } from '../src/graphs/taptr-precision.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const runs = Number(arg('runs', '3'));
const threads = Number(arg('threads', '2'));
const N = Number(arg('points', '16'));
const decoderPath = arg('decoder', N <= 64 ? 'sample-first' : 'project-first');
if (decoderPath !== 'sample-first' && decoderPath !== 'project-first') throw new RangeError(`--decoder: sample-first or project-first, got ${decoderPath}`);
const variants = arg('variants', 'fp32@512,int8@512,fp32@384,int8@384,fp32@320,int8@320')
  .split(',')
  .map((v) => {
    const [precision, resolution] = v.split('@') as [string, string | undefined];
    if (!isTaptrPrecision(precision)) throw new RangeError(`--variants: unknown precision ${precision}`);
    return { name: v, precision: precision, resolution: Number(resolution ?? RELEASED_CONFIG.resolution) };
  });
const progress = (msg: string): boolean =>
  process.stderr.write(`[precision bench ${new Date().toISOString().slice(11, 19)} load ${loadavg()[0]!.toFixed(2)}] ${msg}\n`);
const load = (): number[] => loadavg().map((v) => Math.round(v * 100) / 100);
const loadAtStart = load();

const flags = (() => {
  try {
    return /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(/\s+/) ?? [];
  } catch {
    return [];
  }
})();
const machine = {
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  cpuFlags: ['avx2', 'fma', 'f16c', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_tile'].filter((f) => flags.includes(f)),
  memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
};

const stateDict = syntheticStateDict(RELEASED_CONFIG);
const options = { intraOpNumThreads: threads, interOpNumThreads: 1 };
const fill = (n: number, f: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => f(i));

interface Case {
  readonly name: string;
  readonly precision: TaptrPrecision;
  readonly config: TaptrConfig;
  readonly encoderBytes: number;
  readonly decoderBytes: number;
  readonly encoder: ort.InferenceSession;
  readonly decoder: ort.InferenceSession | undefined;
  readonly encoderFeeds: Record<string, ort.Tensor>;
  readonly decoderFeeds: Record<string, ort.Tensor>;
  readonly encoderMs: number[];
  readonly decoderMs: number[];
}

const cases: Case[] = [];
for (const v of variants) {
  const config: TaptrConfig = { ...RELEASED_CONFIG, resolution: v.resolution };
  progress(`building ${v.name}`);
  const fp32: TaptrGraphs = {
    frameEncoder: buildFrameEncoder(stateDict, config, { batch: 1 }),
    queryInit: buildQueryInitGraph(stateDict, config),
    decoderWindow: buildDecoderWindowGraph(stateDict, config),
    ...(decoderPath === 'sample-first' ? { decoderWindowSampleFirst: buildDecoderWindowGraph(stateDict, config, { crossAttention: 'sample-first' }) } : {}),
    config,
  };
  const graphs = applyTaptrPrecision(fp32, v.precision);
  const decoder = decoderPath === 'sample-first' ? graphs.decoderWindowSampleFirst! : graphs.decoderWindow;
  const R = config.resolution;
  const K = config.slidingWindowSize;
  const C = config.hiddenDim;
  const S = memoryTokens(config);
  const content = new ort.Tensor(
    'float32',
    fill(K * N * C, (i) => Math.cos(i * 0.11)),
    [K, N, C],
  );
  cases.push({
    name: v.name,
    precision: v.precision,
    config,
    encoderBytes: graphs.frameEncoder.length,
    decoderBytes: decoder.length,
    encoder: await ort.InferenceSession.create(graphs.frameEncoder, options),
    decoder: await ort.InferenceSession.create(decoder, options),
    encoderFeeds: {
      image: new ort.Tensor(
        'float32',
        fill(3 * R * R, (i) => Math.sin(i * 0.001) * 2),
        [1, 3, R, R],
      ),
    },
    decoderFeeds: {
      memory: new ort.Tensor(
        'float32',
        fill(K * S * C, (i) => Math.sin(i * 0.37)),
        [K, S, C],
      ),
      content,
      init_content: content,
      ref_unsig: new ort.Tensor(
        'float32',
        fill(K * N * 4, (i) => (i % 4 < 2 ? Math.sin(i) * 2 : 0)),
        [K, N, 4],
      ),
      track_mask: new ort.Tensor(
        'bool',
        Uint8Array.from({ length: N * K }, () => 1),
        [N, K],
      ),
      update_mask: new ort.Tensor(
        'bool',
        Uint8Array.from({ length: N * K }, () => 1),
        [N, K],
      ),
    },
    encoderMs: [],
    decoderMs: [],
  });
}

async function timed(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<number> {
  const t = performance.now();
  await session.run(feeds);
  return performance.now() - t;
}

// Warm-up (untimed), then round-robin timed runs.
for (const c of cases) {
  progress(`warm-up ${c.name}`);
  await c.encoder.run(c.encoderFeeds);
  if (c.decoder) await c.decoder.run(c.decoderFeeds);
}
for (let r = 0; r < runs; r++) {
  for (const c of cases) {
    progress(`run ${r + 1}/${runs} ${c.name}`);
    c.encoderMs.push(await timed(c.encoder, c.encoderFeeds));
    if (c.decoder) c.decoderMs.push(await timed(c.decoder, c.decoderFeeds));
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;
const base = cases.find((c) => c.precision === 'fp32' && c.config.resolution === RELEASED_CONFIG.resolution) ?? cases[0]!;
const e2e = (c: Case): number => median(c.encoderMs) + (c.decoder ? median(c.decoderMs) / c.config.slidingWindowStride : 0);
const results = cases.map((c) => ({
  variant: c.name,
  precision: c.precision,
  resolution: c.config.resolution,
  encoderBytes: c.encoderBytes,
  decoderBytes: c.decoderBytes,
  encoderMedianMs: round(median(c.encoderMs)),
  encoderRunsMs: c.encoderMs.map((x) => round(x)),
  encoderSpeedup: round(median(base.encoderMs) / median(c.encoderMs), 2),
  ...(c.decoder
    ? {
        decoderWindowMedianMs: round(median(c.decoderMs)),
        decoderRunsMs: c.decoderMs.map((x) => round(x)),
        decoderSpeedup: round(median(base.decoderMs) / median(c.decoderMs), 2),
        e2eMsPerFrameEstimate: round(e2e(c)),
        e2eSpeedup: round(e2e(base) / e2e(c), 2),
      }
    : {}),
}));
for (const c of cases) {
  await c.encoder.release();
  await c.decoder?.release();
}
process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'precision',
      machine,
      runtime: { node: process.version, 'onnxruntime-node': ort.env.versions.common ?? 'unknown', backend: 'cpu' },
      threads,
      points: N,
      decoder: decoderPath,
      runs,
      baseline: base.name,
      loadAverage: { start: loadAtStart, end: load() },
      results,
    },
    null,
    1,
  )}\n`,
);
