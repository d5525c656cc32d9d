// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): build time, size and onnxruntime-node latency of G1 frame_encoder for the
// released configuration with a synthetic state dict. Usage:
//   npx tsx bench/frame-encoder.bench.ts [--runs 5] [--threads 2] [--resolution 512]
import * as ort from 'onnxruntime-node';
import { syntheticStateDict } from '../src/checkpoint/synthetic-state-dict.js';
import { RELEASED_CONFIG, type TaptrConfig } from '../src/config/taptr-config.js';
import { buildFrameEncoder } from '../src/graphs/frame-encoder.js';
import { onnx } from '../src/onnx/onnx-proto.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = arg('runs', 5);
const threads = arg('threads', 2);
const config: TaptrConfig = { ...RELEASED_CONFIG, resolution: arg('resolution', RELEASED_CONFIG.resolution) };
const R = config.resolution;

let t = performance.now();
const stateDict = syntheticStateDict(config);
const tState = performance.now() - t;
t = performance.now();
const model = buildFrameEncoder(stateDict, config, { batch: 1 });
const tBuild = performance.now() - t;
const decoded = onnx.ModelProto.decode(model);
let params = 0;
for (const init of decoded.graph?.initializer ?? []) if (init.dataType === 1) params += (init.dims ?? []).reduce((a: number, b) => a * Number(b), 1);
t = performance.now();
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1 });
const tSession = performance.now() - t;
const image = new ort.Tensor('float32', Float32Array.from({ length: 3 * R * R }, (_, i) => Math.sin(i * 0.001) * 2), [1, 3, R, R]);
const times: number[] = [];
for (let i = 0; i < runs + 1; i++) {
  t = performance.now();
  await session.run({ image });
  times.push(performance.now() - t);
}
await session.release();
const warm = times.slice(1).sort((a, b) => a - b);
const median = warm[Math.floor(warm.length / 2)]!;
const result = {
  graph: 'frame_encoder',
  resolution: R,
  threads,
  modelBytes: model.length,
  floatInitializerElements: params,
  syntheticStateDictMs: Math.round(tState),
  buildMs: Math.round(tBuild),
  sessionCreateMs: Math.round(tSession),
  firstRunMs: Math.round(times[0]!),
  medianRunMs: Math.round(median),
  runsMs: warm.map(Math.round),
};
process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
