// SPDX-License-Identifier: Apache-2.0
// `nx bench` / `nx run @taptr/benchmarks:bench`: accuracy (taptr eval on the bundled TAP-Vid-format sample
// or TAPTR_BENCH_DATASET) and speed (encoder / decoder ms per frame, fps, peak memory) per backend and
// configuration. Writes JSON + markdown under benchmarks/results/. Never asserts a time; no network.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@taptr/cli';
import { buildTaptrGraphs, parseTaptrConfig, RELEASED_CONFIG, readTaptrCheckpoint, syntheticStateDict, type TaptrGraphs } from '@taptr/model';
import { createNodeRuntime } from '@taptr/runtime-node';
import { readNpy, type TensorView } from '@taptr/tensor';
import { createGraphRunner, createTracker } from '@taptr/tracker';
import { withPeakRss } from './memory-sampler.js';
import { renderMarkdown } from './render-markdown.js';
import { syntheticQueries, syntheticVideo } from './synthetic-video.js';
import { timedRunner } from './timed-runner.js';

const env = process.env;
const require = createRequire(import.meta.url);
const modelPkgDir = join(require.resolve('@taptr/model/package.json'), '..');
const cliPkgDir = join(require.resolve('@taptr/cli/package.json'), '..');
const refDir = join(modelPkgDir, 'fixtures', 'taptr-reference');
const resultsDir = fileURLToPath(new URL('../results', import.meta.url));

const threads = Number(env['TAPTR_BENCH_THREADS'] ?? cpus().length);
const backends = (env['TAPTR_BENCH_BACKENDS'] ?? 'cpu').split(',').map((b) => b.trim());
const syntheticFrames = Number(env['TAPTR_BENCH_FRAMES'] ?? 16);
const configs = (env['TAPTR_BENCH_CONFIGS'] ?? 'reference,released-16,released-800').split(',').map((c) => c.trim());
const dataset = env['TAPTR_BENCH_DATASET'] ?? join(cliPkgDir, 'assets', 'sample', 'tapvid_davis.pkl');
const evalModel = env['TAPTR_BENCH_MODEL'];
const padQueries = env['TAPTR_BENCH_PAD'] ?? '800';

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Runs `taptr eval ... --json` in-process and returns its JSON document. */
async function runEval(args: string[]): Promise<Record<string, unknown>> {
  let stdout = '';
  let stderr = '';
  const code = await main(['eval', ...args, '--json'], {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
  });
  if (code !== 0) throw new Error(`taptr eval ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
  return JSON.parse(stdout) as Record<string, unknown>;
}

interface AccuracyRow {
  method: string;
  mode: string;
  padQueries: number;
  mean: Record<string, number | null>;
  videos: number;
  ms: number;
}

async function accuracy(): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  const model = evalModel !== undefined ? ['--model', evalModel, ...(env['TAPTR_BENCH_CONFIG'] ? ['--config', env['TAPTR_BENCH_CONFIG']] : [])] : ['--model', join(refDir, 'checkpoint.pth'), '--config', join(refDir, 'config.json')];
  const methods: [string, string[]][] = [
    ['stationary baseline', ['--baseline', 'stationary']],
    [evalModel !== undefined ? `model ${evalModel}` : 'reference model (random weights)', [...model, '--threads', String(threads), '--pad-queries', padQueries]],
  ];
  for (const [method, args] of methods) {
    for (const mode of ['first', 'strided']) {
      log(`accuracy: ${method}, ${mode}`);
      const start = performance.now();
      const doc = (await runEval([dataset, '--mode', mode, ...args])) as { mean: Record<string, number | null>; videos: unknown[]; protocol: { padQueries: number } };
      rows.push({ method, mode, padQueries: args.includes('--baseline') ? 0 : doc.protocol.padQueries, mean: doc.mean, videos: doc.videos.length, ms: Math.round(performance.now() - start) });
    }
  }
  return rows;
}

type SpeedRow = {
  config: string;
  backend: string;
  threads: number;
  resolution: number;
  frames: number;
  videoSize: string;
  points: number;
  encoderMsPerFrame: number;
  decoderMsPerFrame: number;
  decoderMsPerWindow: number;
  queryInitMs: number;
  trackMs: number;
  fps: number;
  peakRssMB: number;
  sessionLoadMs: number;
};

async function speedRuns(name: string, graphs: TaptrGraphs, backend: string, cases: { label: string; video: TensorView<'uint8'>; queries: { t: number; x: number; y: number }[] }[]): Promise<SpeedRow[]> {
  const runtime = createNodeRuntime({ executionProvider: backend as 'cpu' | 'webgpu', threads });
  const loadStart = performance.now();
  const timed = timedRunner(await createGraphRunner(runtime, graphs));
  const tracker = await createTracker({ runner: timed.runner });
  const sessionLoadMs = Math.round(performance.now() - loadStart);
  const rows: SpeedRow[] = [];
  try {
    for (const c of cases) {
      const [T, H, W] = c.video.dims as [number, number, number];
      // Warm-up on the first 8 frames (first-run allocations, kernel selection), not measured.
      const warm = { type: 'uint8' as const, dims: [Math.min(8, T), H, W, 3], data: c.video.data.subarray(0, Math.min(8, T) * H * W * 3) };
      await tracker.track(warm, c.queries.slice(0, 4));
      timed.reset();
      log(`speed: ${name} ${c.label} on ${backend} (${T} frames ${W}x${H}, N = ${c.queries.length})`);
      const start = performance.now();
      const { peakRssMB } = await withPeakRss(() => tracker.track(c.video, c.queries));
      const trackMs = performance.now() - start;
      const t = timed.times;
      rows.push({
        config: `${name} ${c.label}`,
        backend,
        threads,
        resolution: graphs.config.resolution,
        frames: T,
        videoSize: `${W}x${H}`,
        points: c.queries.length,
        encoderMsPerFrame: round(t.encodeMs / Math.max(1, t.framesEncoded)),
        decoderMsPerFrame: round(t.decodeMs / T),
        decoderMsPerWindow: round(t.decodeMs / Math.max(1, t.windowsDecoded)),
        queryInitMs: round(t.initMs),
        trackMs: Math.round(trackMs),
        fps: round(T / (trackMs / 1000)),
        peakRssMB,
        sessionLoadMs,
      });
    }
  } finally {
    await tracker.release();
  }
  return rows;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

async function speed(): Promise<{ rows: SpeedRow[]; skipped: { backend: string; reason: string }[] }> {
  const rows: SpeedRow[] = [];
  const skipped: { backend: string; reason: string }[] = [{ backend: 'wasm', reason: 'no onnxruntime-web adapter package for Node in this repository yet' }];
  for (const backend of backends) {
    if (backend !== 'cpu' && backend !== 'webgpu') {
      skipped.push({ backend, reason: 'unknown backend' });
      continue;
    }
    const probe = createNodeRuntime({ executionProvider: backend });
    if (!(await probe.isSupported())) {
      skipped.push({ backend, reason: (await probe.unsupportedReason?.()) ?? 'not supported' });
      continue;
    }
    if (configs.includes('reference')) {
      const config = parseTaptrConfig(JSON.parse(await readFile(join(refDir, 'config.json'), 'utf8')));
      const graphs = buildTaptrGraphs(readTaptrCheckpoint(new Uint8Array(await readFile(join(refDir, 'checkpoint.pth'))), { config }), config);
      const video = readNpy(new Uint8Array(await readFile(join(refDir, 'video.npy')))) as TensorView<'uint8'>;
      const q = readNpy(new Uint8Array(await readFile(join(refDir, 'queries_tyx.npy'))));
      const qd = q.data as Float32Array;
      const queries = Array.from({ length: q.dims[0]! }, (_, i) => ({ t: qd[i * 3]!, y: qd[i * 3 + 1]!, x: qd[i * 3 + 2]! }));
      rows.push(...(await speedRuns('reference', graphs, backend, [{ label: 'N=16', video, queries }])));
    }
    const released = configs.filter((c) => c.startsWith('released-'));
    if (released.length > 0) {
      log('building the released configuration with synthetic weights (41M parameters)');
      const graphs = buildTaptrGraphs(syntheticStateDict(RELEASED_CONFIG), RELEASED_CONFIG);
      const size = RELEASED_CONFIG.resolution;
      const video = syntheticVideo(syntheticFrames, size);
      const cases = released.map((c) => {
        const n = Number(c.slice('released-'.length));
        return { label: `N=${n}`, video, queries: syntheticQueries(n, size) };
      });
      rows.push(...(await speedRuns('released (synthetic weights)', graphs, backend, cases)));
    }
  }
  return { rows, skipped };
}

function versions(): Record<string, string> {
  const v = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;
  return { node: process.version, 'onnxruntime-node': v('onnxruntime-node'), '@taptr/cli': v('@taptr/cli'), '@taptr/tracker': v('@taptr/tracker'), '@taptr/model': v('@taptr/model') };
}

const started = new Date();
const acc = await accuracy();
const spd = await speed();
const result = {
  date: started.toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), platform: `${platform()} ${release()}` },
  versions: versions(),
  threads,
  dataset,
  accuracy: acc,
  speed: spd.rows,
  skipped: spd.skipped,
  totalMs: Math.round(Date.now() - started.getTime()),
};
await mkdir(resultsDir, { recursive: true });
const stamp = started.toISOString().replace(/[:.]/g, '-');
const markdown = renderMarkdown(result);
for (const name of [stamp, 'latest']) {
  await writeFile(join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 1)}\n`);
  await writeFile(join(resultsDir, `${name}.md`), markdown);
}
process.stdout.write(markdown);
log(`results: ${join(resultsDir, 'latest.json')} and latest.md`);
