// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): size and onnxruntime-node latency of G2 query_init and G3 decoder_window for
// the released configuration with a synthetic state dict, per point count N. Usage:
//   npx tsx bench/decoder-window.bench.ts [--runs 3] [--threads 2] [--points 16,256,800] [--modes sample-first,project-first]
import * as ort from 'onnxruntime-node';
import { decodeOnnxModel, TensorProto_DataType } from '@taptr/onnx';
import { syntheticStateDict } from '../src/checkpoint/synthetic-state-dict.js';
import { memoryTokens, RELEASED_CONFIG } from '../src/config/taptr-config.js';
import type { CrossAttentionMode } from '../src/graphs/decoder-cross-attention.js';
import { buildDecoderWindowGraph } from '../src/graphs/decoder-window.js';
import { buildQueryInitGraph } from '../src/graphs/query-init.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const runs = Number(arg('runs', '3'));
const threads = Number(arg('threads', '2'));
const pointCounts = arg('points', '16,256,800').split(',').map(Number);
const modes = arg('modes', 'sample-first,project-first').split(',') as CrossAttentionMode[];
const config = RELEASED_CONFIG;
const K = config.slidingWindowSize;
const C = config.hiddenDim;
const S = memoryTokens(config);

function parameters(model: Uint8Array): number {
  let n = 0;
  for (const init of decodeOnnxModel(model, 'bench').graph.initializer)
    if (init.dataType === (TensorProto_DataType.FLOAT as number)) n += init.dims.reduce((a, b) => a * Number(b), 1);
  return n;
}

async function time(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<{ firstMs: number; medianMs: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  return { firstMs: Math.round(times[0]!), medianMs: Math.round(warm[Math.floor(warm.length / 2)]!) };
}

const fill = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
const stateDict = syntheticStateDict(config);
const options = { intraOpNumThreads: threads, interOpNumThreads: 1 };
const results: unknown[] = [];

const queryInit = buildQueryInitGraph(stateDict, config);
const qSession = await ort.InferenceSession.create(queryInit, options);
const frameMemory = new ort.Tensor(
  'float32',
  fill(S * C, (i) => Math.sin(i * 0.37)),
  [1, S, C],
);
for (const N of pointCounts) {
  const xy = new ort.Tensor(
    'float32',
    fill(N * 2, (i) => (i * 0.618) % 1),
    [N, 2],
  );
  results.push({
    graph: 'query_init',
    N,
    modelBytes: queryInit.length,
    parameters: parameters(queryInit),
    ...(await time(qSession, { memory: frameMemory, xy_norm: xy })),
  });
}
await qSession.release();

const memory = new ort.Tensor(
  'float32',
  fill(K * S * C, (i) => Math.sin(i * 0.37)),
  [K, S, C],
);
for (const mode of modes) {
  const decoder = buildDecoderWindowGraph(stateDict, config, { crossAttention: mode });
  const t = performance.now();
  const dSession = await ort.InferenceSession.create(decoder, options);
  const sessionMs = Math.round(performance.now() - t);
  for (const N of pointCounts) {
    const content = new ort.Tensor(
      'float32',
      fill(K * N * C, (i) => Math.cos(i * 0.11)),
      [K, N, C],
    );
    const feeds = {
      memory,
      content,
      init_content: content,
      ref_unsig: new ort.Tensor(
        'float32',
        fill(K * N * 4, (i) => (i % 4 < 2 ? Math.sin(i) * 2 : 0)),
        [K, N, 4],
      ),
      track_mask: new ort.Tensor(
        'bool',
        Uint8Array.from({ length: N * K }, (_, i) => (i % K >= Math.floor(i / K) % 3 ? 1 : 0)),
        [N, K],
      ),
      update_mask: new ort.Tensor(
        'bool',
        Uint8Array.from({ length: N * K }, (_, i) => (i % K > Math.floor(i / K) % 3 ? 1 : 0)),
        [N, K],
      ),
    };
    const timing = await time(dSession, feeds);
    // Every frame is decoded in K / stride windows: per-frame cost = window cost / stride.
    results.push({
      graph: 'decoder_window',
      mode,
      N,
      threads,
      modelBytes: decoder.length,
      parameters: parameters(decoder),
      sessionCreateMs: sessionMs,
      ...timing,
      msPerFrame: Math.round(timing.medianMs / config.slidingWindowStride),
    });
  }
  await dSession.release();
}
process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
