// SPDX-License-Identifier: Apache-2.0
// Measurement (not a test): the accuracy contract of the approximate variants (int8, fp16-weights, a
// lower input resolution) on the reference fixtures, computed exactly as
// packages/cli/test/precision-variants.test.ts does (tracker with onnxruntime-node CPU, the `first`
// queries, tracks and occlusion against the official first.tracks_xy / first.occluded over the tracked
// entries t >= query frame), under perturbations that stand in for another CPU's float32 kernels:
//   - `threads`: intra-op threads 1 and 2;
//   - `image:<seed>`: every element of every frame_encoder input moved by 1 ulp up or down (seeded);
//   - `weights:<seed>`: every float32 checkpoint weight moved by 1 ulp up or down before the graphs are
//     built (stronger than a CPU difference: it also moves the int8/fp16 weight rounding).
// int8 rounding amplifies tiny float32 differences (a value crossing a quantization boundary), so the
// spread over these runs is what another CPU class can give. Prints one JSON line per run and a summary
// (worst per variant). Usage (in benchmarks/):
//   npx tsx --conditions @taptr/source src/precision-envelope.ts [--threads 1,2] [--perturb none,image:1,weights:1]
//     [--variants fp32,int8,fp16-weights,fp32@96]
//     [--graph-level]   (instead: the graph-level figures of packages/model/test/precision-variants.fixture.test.ts)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyTaptrPrecision,
  buildTaptrGraphs,
  parseTaptrConfig,
  readTaptrCheckpoint,
  taptrConfigToJson,
  type TaptrGraphs,
  type TaptrPrecision,
} from '@taptr/model';
import type { ModelSession, RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { readNpy, seededRandom, type TensorView } from '@taptr/tensor';
import { createTracker } from '@taptr/tracker';
import { REFERENCE_DIR } from './speed-case.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const npy = (name: string): TensorView => readNpy(new Uint8Array(readFileSync(join(REFERENCE_DIR, name))));
const config = parseTaptrConfig(JSON.parse(readFileSync(join(REFERENCE_DIR, 'config.json'), 'utf8')) as Record<string, unknown>);
const checkpoint = readTaptrCheckpoint(new Uint8Array(readFileSync(join(REFERENCE_DIR, 'checkpoint.pth'))), { config });
const video = npy('video.npy') as TensorView<'uint8'>;
const q = npy('queries_tyx.npy').data as Float32Array;
const QUERIES = Array.from({ length: q.length / 3 }, (_, i) => ({ t: q[3 * i]!, x: q[3 * i + 2]!, y: q[3 * i + 1]! }));
const expectedTracks = npy('first.tracks_xy.npy').data as Float32Array;
const expectedOccluded = npy('first.occluded.npy').data as Uint8Array;
const T = video.dims[0]!;

/** A copy of `data` with every non-zero finite element moved by one ulp, up or down at random. */
function ulpJitter(data: Float32Array, next: () => number): Float32Array {
  const out = data.slice();
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0 || !Number.isFinite(out[i]!)) continue;
    // For a positive float the next bit pattern is larger, for a negative one smaller in magnitude:
    // either way +1 / -1 on the bits is a one-ulp step.
    bits[i] = next() < 0.5 ? bits[i]! + 1 : bits[i]! - 1;
  }
  return out;
}

/** A runtime whose frame_encoder sees its `image` input moved by one ulp per element. */
function jitterImages(runtime: RuntimeAdapter, seed: number): RuntimeAdapter {
  const next = seededRandom(seed);
  return {
    ...runtime,
    async createSession(model, options): Promise<ModelSession> {
      const session = await runtime.createSession(model, options);
      if (!session.inputNames.includes('image')) return session;
      // Pre-allocated outputs passed on: the tracker's encoder writes into its memory ring.
      return {
        ...session,
        run: (feeds, outputs) => {
          const image = feeds['image']!;
          const jittered = runtime.tensors.tensor('float32', ulpJitter(image.data as Float32Array, next), image.dims);
          return session.run({ ...feeds, image: jittered }, outputs);
        },
      };
    },
  };
}

/** Deviation from the official tracks over the tracked entries (t >= query frame), as the CLI test. */
function deviation(tracks: Float32Array, visible: Uint8Array): { meanPx: number; p95Px: number; maxPx: number; occlusionFlips: number; entries: number } {
  const d: number[] = [];
  let flips = 0;
  QUERIES.forEach((query, n) => {
    for (let t = query.t; t < T; t++) {
      const i = n * T + t;
      d.push(Math.hypot(tracks[2 * i]! - expectedTracks[2 * i]!, tracks[2 * i + 1]! - expectedTracks[2 * i + 1]!));
      if ((visible[i] === 1) === (expectedOccluded[i] === 1)) flips++;
    }
  });
  d.sort((a, b) => a - b);
  const r = (v: number): number => Math.round(v * 1e4) / 1e4;
  return {
    meanPx: r(d.reduce((a, b) => a + b, 0) / d.length),
    p95Px: r(d[Math.floor(0.95 * (d.length - 1))]!),
    maxPx: r(d.at(-1)!),
    occlusionFlips: flips,
    entries: d.length,
  };
}

function variantGraphs(stateDict: typeof checkpoint, variant: string): TaptrGraphs {
  const [precision, resolution] = variant.split('@') as [TaptrPrecision, string | undefined];
  // As `taptr convert [--resolution R]`: the configuration with data_aug_scales = [R].
  const R = Number(resolution);
  const variantConfig = resolution === undefined ? config : parseTaptrConfig({ ...taptrConfigToJson(config), data_aug_scales: [R], data_aug_max_size: R });
  return applyTaptrPrecision(buildTaptrGraphs(stateDict, variantConfig), precision);
}

function relRms(actual: Float32Array, expected: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i]! - expected[i]!) ** 2;
    den += expected[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * The graph-level figures of packages/model/test/precision-variants.fixture.test.ts (variant vs fp32
 * graphs on the same inputs): int8 / fp16-weights encoder memory relative RMS on first.model_input_kept,
 * int8 decoder window (value_proj) location change in px and visibility flips on the window-0 fixtures.
 * The `image` perturbation moves the encoder image and the decoder memory by one ulp per element.
 */
async function graphLevel(stateDict: typeof checkpoint, jitter: (v: Float32Array) => Float32Array, threads: number): Promise<Record<string, number>> {
  const fp32 = buildTaptrGraphs(stateDict, config);
  const runtime = createNodeRuntime({ threads });
  const run = async (model: Uint8Array, feeds: Record<string, TensorView>): Promise<Record<string, Float32Array>> => {
    const session = await runtime.createSession(model);
    try {
      const out = await session.run(
        Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, runtime.tensors.tensor(v.type as 'float32', v.data as Float32Array, v.dims)])),
      );
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
    } finally {
      await session.release();
    }
  };
  const input = npy('first.model_input_kept.npy');
  const image = { ...input, data: jitter(input.data as Float32Array) };
  const memory = (await run(fp32.frameEncoder, { image }))['memory']!;
  const int8 = applyTaptrPrecision(fp32, 'int8');
  const fp16 = applyTaptrPrecision(fp32, 'fp16-weights');
  const figures: Record<string, number> = {
    int8MemoryRelRms: relRms((await run(int8.frameEncoder, { image }))['memory']!, memory),
    fp16MemoryRelRms: relRms((await run(fp16.frameEncoder, { image }))['memory']!, memory),
  };
  const tgt = npy('first.w0.tgt.npy');
  const [K, N, C] = tgt.dims as [number, number, number];
  const feat = npy('first.query_feat.npy').data as Float32Array;
  const init = new Float32Array(K * N * C);
  for (let t = 0; t < K; t++) init.set(feat, t * N * C);
  const w0 = npy('first.memory_w0.npy');
  const feeds: Record<string, TensorView> = {
    memory: { ...w0, data: jitter(w0.data as Float32Array) },
    content: tgt,
    ref_unsig: npy('first.w0.ref_unsig.npy'),
    track_mask: { type: 'bool', dims: [N, K], data: new Uint8Array(N * K).fill(1) },
    update_mask: npy('first.w0.update_mask.npy'),
    init_content: { type: 'float32', dims: [K, N, C], data: init },
  };
  const a = await run(fp32.decoderWindow, feeds);
  const b = await run(int8.decoderWindow, feeds);
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const [H, W] = [video.dims[1]!, video.dims[2]!];
  let worstPx = 0;
  let flips = 0;
  for (let i = 0; i < K * N; i++) {
    const dx = (sig(a['ref_unsig_out']![4 * i]!) - sig(b['ref_unsig_out']![4 * i]!)) * (W - 1);
    const dy = (sig(a['ref_unsig_out']![4 * i + 1]!) - sig(b['ref_unsig_out']![4 * i + 1]!)) * (H - 1);
    worstPx = Math.max(worstPx, Math.hypot(dx, dy));
    if (a['vis_logits']![3 * i + 1]! > 0 !== b['vis_logits']![3 * i + 1]! > 0) flips++;
  }
  return { ...figures, int8DecoderWindowMaxPx: worstPx, int8DecoderWindowVisibilityFlips: flips };
}

const variants = arg('variants', `fp32,int8,fp16-weights,fp32@${config.resolution - 32}`).split(',');
const graphLevelOnly = process.argv.includes('--graph-level');
const worstGraph: Record<string, number> = {};
const worst: Record<string, { meanPx: number; p95Px: number; maxPx: number; occlusionFlips: number; run: string }> = {};
for (const perturb of arg('perturb', 'none').split(',')) {
  const [kind, seedText] = perturb.split(':') as [string, string | undefined];
  const seed = Number(seedText ?? 0);
  let stateDict = checkpoint;
  if (kind === 'weights') {
    const next = seededRandom(seed);
    stateDict = new Map([...checkpoint].map(([k, v]) => [k, v.type === 'float32' ? { ...v, data: ulpJitter(v.data as Float32Array, next) } : v]));
  }
  if (graphLevelOnly) {
    const next = seededRandom(seed);
    for (const threads of arg('threads', '1,2').split(',').map(Number)) {
      const figures = await graphLevel(stateDict, (v) => (kind === 'image' ? ulpJitter(v, next) : v), threads);
      process.stdout.write(`${JSON.stringify({ perturb, threads, ...figures })}\n`);
      for (const [k, v] of Object.entries(figures)) worstGraph[k] = Math.max(worstGraph[k] ?? 0, v);
    }
    continue;
  }
  for (const variant of variants) {
    const graphs = variantGraphs(stateDict, variant);
    for (const threads of arg('threads', '1,2').split(',').map(Number)) {
      const base = createNodeRuntime({ threads });
      const runtime = kind === 'image' ? jitterImages(base, seed) : base;
      const tracker = await createTracker({ runtime, model: graphs });
      const started = performance.now();
      const result = await tracker.track(video, QUERIES);
      await tracker.release();
      const dev = deviation(result.tracks.data, result.visible.data);
      const run = `${perturb} threads=${threads}`;
      process.stdout.write(`${JSON.stringify({ variant, perturb, threads, ...dev, ms: Math.round(performance.now() - started) })}\n`);
      const w = (worst[variant] ??= { meanPx: 0, p95Px: 0, maxPx: 0, occlusionFlips: 0, run });
      if (dev.occlusionFlips > w.occlusionFlips) w.run = run;
      w.meanPx = Math.max(w.meanPx, dev.meanPx);
      w.p95Px = Math.max(w.p95Px, dev.p95Px);
      w.maxPx = Math.max(w.maxPx, dev.maxPx);
      w.occlusionFlips = Math.max(w.occlusionFlips, dev.occlusionFlips);
    }
  }
}
process.stdout.write(`${JSON.stringify(graphLevelOnly ? { worst: worstGraph } : { worst }, null, 1)}\n`);
