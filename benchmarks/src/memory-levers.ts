// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): peak RSS and time of the released configuration's graphs (512 x 512,
// synthetic weights) under onnxruntime-node session-option "levers" (issue 9, memory). Each lever
// runs in its own Node process (so its peak RSS is its own): sessions created from the graph files,
// then G1 on one frame (--encoder-runs times), then G3 on one window at each --points N (--decoder-runs
// times each, smallest N first). Prints one JSON object per lever on stdout. Usage:
//   npx tsx --conditions @taptr/source src/memory-levers.ts (in benchmarks/) [--levers default,no-arena,...]
//     [--points 16,800] [--threads 2] [--encoder-runs 3] [--decoder-runs 2] [--graphs DIR] [--rebuild]
//     [--decoder FILE]   (a decoder_window.onnx to use instead of the one in DIR)
//     [--e2e FRAMES]     (instead: tracker.track of a streamed synthetic video of FRAMES frames at 512 x 512,
//                         queries on frame 0, one process per lever and N; peak = the process maxRSS)
// Graph files are built once into DIR (default: $TMPDIR/taptr-memory-levers) and reused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDecoderWindowGraph, buildFrameEncoder, buildQueryInitGraph, memoryTokens, RELEASED_CONFIG, syntheticStateDict } from '@taptr/model';
import type { ModelSessionOptions } from '@taptr/runtime';
import { createGraphRunner, createTracker, type TaptrGraphRunner } from '@taptr/tracker';
import { tensor } from '@taptr/tensor';
import { createNodeRuntime, type NodeRuntimeOptions } from '@taptr/runtime-node';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/**
 * The levers: adapter options and raw per-session options (merged over the adapter's). `default` is
 * onnxruntime's own behaviour (`memory: 'fast'`: arena and memory pattern on); `balanced` is the
 * adapter's default (arena, no memory pattern, weights outside the arena); `low` has no arena.
 */
const FAST: NodeRuntimeOptions = { memory: 'fast' };
const LEVERS: Record<string, { adapter?: NodeRuntimeOptions; session?: ModelSessionOptions }> = {
  default: { adapter: FAST },
  'no-mem-pattern': { adapter: FAST, session: { enableMemPattern: false } },
  'no-arena': { adapter: FAST, session: { enableCpuMemArena: false } },
  'no-arena-no-pattern': { adapter: FAST, session: { enableCpuMemArena: false, enableMemPattern: false } },
  low: { adapter: { memory: 'low' } },
  balanced: { adapter: { memory: 'balanced' } },
  'device-alloc-initializers': { adapter: FAST, session: { extra: { session: { use_device_allocator_for_initializers: '1' } } } },
  'no-prepacking': { adapter: FAST, session: { extra: { session: { disable_prepacking: '1' } } } },
};

const threads = Number(arg('threads', '2'));
const graphsDir = arg('graphs', join(tmpdir(), 'taptr-memory-levers'));
const config = RELEASED_CONFIG;
const R = config.resolution;
const K = config.slidingWindowSize;
const C = config.hiddenDim;
const S = memoryTokens(config);
const files = {
  encoder: join(graphsDir, 'frame_encoder.onnx'),
  queryInit: join(graphsDir, 'query_init.onnx'),
  decoder: arg('decoder', join(graphsDir, 'decoder_window.onnx')),
};
const mb = (bytes: number): number => Math.round(bytes / 1e6);
const maxRssMB = (): number => mb(process.resourceUsage().maxRSS * 1024);

async function childEndToEnd(lever: string, frames: number, n: number): Promise<void> {
  const spec = LEVERS[lever]!;
  const report: Record<string, unknown> = {
    lever,
    options: spec,
    machine: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
    threads,
    frames,
    points: n,
    load1Start: loadavg()[0],
  };
  const runtime = createNodeRuntime({ threads, ...spec.adapter });
  const model = { config, frameEncoder: readFileSync(files.encoder), queryInit: readFileSync(files.queryInit), decoderWindow: readFileSync(files.decoder) };
  const inner = await createGraphRunner(runtime, model, spec.session);
  report['sessionsMaxRssMB'] = maxRssMB();
  const spent = { encode: 0, decode: 0, windows: 0 };
  const runner: TaptrGraphRunner = {
    resolution: inner.resolution,
    tokens: inner.tokens,
    channels: inner.channels,
    ...(inner.copiesInputs !== undefined ? { copiesInputs: inner.copiesInputs } : {}),
    async encodeFrames(images, count, target) {
      const t = performance.now();
      await inner.encodeFrames(images, count, target);
      spent.encode += performance.now() - t;
    },
    initQueries: (memory, xy, count) => inner.initQueries(memory, xy, count),
    async decodeWindow(input, output) {
      const t = performance.now();
      await inner.decodeWindow(input, output);
      spent.decode += performance.now() - t;
      spent.windows++;
    },
    release: () => inner.release(),
  };
  const tracker = await createTracker({ runner });
  async function* video() {
    for (let t = 0; t < frames; t++) {
      const data = new Uint8Array(R * R * 3);
      for (let y = 0; y < R; y++)
        for (let x = 0; x < R; x++) for (let c = 0; c < 3; c++) data[(y * R + x) * 3 + c] = (((x + 2 * t) >> 3) * 37 + ((y + t) >> 3) * 91 + c * 60) & 255;
      yield tensor('uint8', [R, R, 3], data);
    }
  }
  const queries = Array.from({ length: n }, (_, i) => ({ t: 0, x: 8 + ((i * 37) % (R - 16)), y: 8 + ((i * 53) % (R - 16)) }));
  const t0 = performance.now();
  await tracker.track(video(), queries, { frameCount: frames });
  const ms = performance.now() - t0;
  await tracker.release();
  const round = (x: number) => Math.round(x);
  Object.assign(report, {
    msPerFrame: round(ms / frames),
    encoderMsPerFrame: round(spent.encode / frames),
    decoderMsPerWindow: round(spent.decode / Math.max(1, spent.windows)),
    windows: spent.windows,
    maxRssMB: maxRssMB(),
    load1End: loadavg()[0],
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function child(lever: string): Promise<void> {
  const spec = LEVERS[lever];
  if (spec === undefined) throw new RangeError(`memory-levers: --lever must be one of ${Object.keys(LEVERS).join(', ')}, got ${lever}`);
  const points = arg('points', '16,800')
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  const encoderRuns = Number(arg('encoder-runs', '3'));
  const decoderRuns = Number(arg('decoder-runs', '2'));
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const phase = (): { peakMB: number; endMB: number; maxRssMB: number } => {
    const now = process.memoryUsage.rss();
    const out = { peakMB: mb(Math.max(peak, now)), endMB: mb(now), maxRssMB: maxRssMB() };
    peak = now;
    return out;
  };
  const median = (xs: number[]): number => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
  const report: Record<string, unknown> = {
    lever,
    options: spec,
    machine: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
    threads,
    load1Start: loadavg()[0],
  };
  report['start'] = phase();

  const runtime = createNodeRuntime({ threads, ...spec.adapter });
  let t = performance.now();
  const encoder = await runtime.createSession(readFileSync(files.encoder), spec.session);
  const queryInit = await runtime.createSession(readFileSync(files.queryInit), spec.session);
  const decoder = await runtime.createSession(readFileSync(files.decoder), spec.session);
  report['sessions'] = { ms: Math.round(performance.now() - t), ...phase() };

  const image = new Float32Array(3 * R * R);
  for (let i = 0; i < image.length; i++) image[i] = Math.sin((i % R) * 0.05 + Math.floor(i / (R * R))) + Math.cos(Math.floor(i / R) * 0.07);
  const times: number[] = [];
  // --encoder-runs 0: decoder only, on a synthetic memory.
  let memory: Float32Array = Float32Array.from({ length: S * C }, (_, i) => Math.sin(i * 0.37));
  for (let r = 0; r < encoderRuns; r++) {
    t = performance.now();
    const out = await encoder.run({ image: runtime.tensors.tensor('float32', image, [1, 3, R, R]) });
    times.push(performance.now() - t);
    memory = out['memory']!.data as Float32Array;
  }
  if (encoderRuns > 0) report['encoder'] = { firstMs: Math.round(times[0]!), medianMs: median(times.slice(1).length > 0 ? times.slice(1) : times), ...phase() };

  const windowMemory = new Float32Array(K * S * C);
  for (let k = 0; k < K; k++) windowMemory.set(memory, k * S * C);
  for (const n of points) {
    const xy = Float32Array.from({ length: n * 2 }, (_, i) => 0.05 + 0.9 * ((i * 0.618) % 1));
    const init = (
      await queryInit.run({ memory: runtime.tensors.tensor('float32', memory, [1, S, C]), xy_norm: runtime.tensors.tensor('float32', xy, [n, 2]) })
    )['content']!.data as Float32Array;
    const content = new Float32Array(K * n * C);
    const ref = new Float32Array(K * n * 4);
    for (let k = 0; k < K; k++) {
      content.set(init, k * n * C);
      for (let i = 0; i < n; i++) {
        ref[(k * n + i) * 4] = Math.log(xy[i * 2]! / (1 - xy[i * 2]!));
        ref[(k * n + i) * 4 + 1] = Math.log(xy[i * 2 + 1]! / (1 - xy[i * 2 + 1]!));
      }
    }
    const ones = new Uint8Array(n * K).fill(1);
    const feeds = {
      memory: runtime.tensors.tensor('float32', windowMemory, [K, S, C]),
      content: runtime.tensors.tensor('float32', content, [K, n, C]),
      init_content: runtime.tensors.tensor('float32', content, [K, n, C]),
      ref_unsig: runtime.tensors.tensor('float32', ref, [K, n, 4]),
      track_mask: runtime.tensors.tensor('bool', ones, [n, K]),
      update_mask: runtime.tensors.tensor('bool', ones, [n, K]),
    };
    const dt: number[] = [];
    for (let r = 0; r < decoderRuns; r++) {
      t = performance.now();
      await decoder.run(feeds);
      dt.push(performance.now() - t);
    }
    report[`decoder N=${n}`] = { firstMs: Math.round(dt[0]!), medianMs: median(dt.slice(1).length > 0 ? dt.slice(1) : dt), ...phase() };
  }
  await Promise.all([encoder.release(), queryInit.release(), decoder.release()]);
  clearInterval(timer);
  report['load1End'] = loadavg()[0];
  report['maxRssMB'] = maxRssMB();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function buildGraphs(): void {
  mkdirSync(graphsDir, { recursive: true });
  const stateDict = syntheticStateDict(config);
  if (!existsSync(files.encoder) || process.argv.includes('--rebuild')) writeFileSync(files.encoder, buildFrameEncoder(stateDict, config, { batch: 1 }));
  if (!existsSync(files.queryInit) || process.argv.includes('--rebuild')) writeFileSync(files.queryInit, buildQueryInitGraph(stateDict, config));
  if (!existsSync(files.decoder) || process.argv.includes('--rebuild'))
    writeFileSync(files.decoder, buildDecoderWindowGraph(stateDict, config, { crossAttention: 'project-first' }));
}

const lever = arg('lever', '');
const e2e = Number(arg('e2e', '0'));
if (lever !== '' && e2e > 0) {
  await childEndToEnd(lever, e2e, Number(arg('points', '16')));
} else if (lever !== '') {
  await child(lever);
} else {
  buildGraphs();
  const script = fileURLToPath(import.meta.url);
  const pass = process.argv.slice(2).filter((a, i, all) => a !== '--rebuild' && a !== '--levers' && all[i - 1] !== '--levers');
  const runs: string[][] = [];
  for (const name of arg('levers', Object.keys(LEVERS).join(',')).split(',')) {
    if (e2e > 0)
      for (const n of arg('points', '16,800').split(','))
        runs.push(['--lever', name, ...pass.filter((a, i, all) => a !== '--points' && all[i - 1] !== '--points'), '--points', n]);
    else runs.push(['--lever', name, ...pass]);
  }
  for (const extra of runs) {
    const r = spawnSync(process.execPath, [...process.execArgv, script, ...extra], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    process.stdout.write(r.status === 0 ? r.stdout : `${JSON.stringify({ run: extra.join(' '), failed: r.status, signal: r.signal })}\n`);
  }
}
