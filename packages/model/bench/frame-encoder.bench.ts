// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): build time, size and onnxruntime-node latency of G1 frame_encoder for the
// released configuration with a synthetic state dict. Usage:
//   npx tsx bench/frame-encoder.bench.ts [--runs 5] [--threads 2] [--resolution 512]
import * as ort from 'onnxruntime-node';
import { createGraphBuilder, decodeOnnxModel, TensorProto_DataType } from '@taptr/onnx';
import { syntheticStateDict } from '../src/checkpoint/synthetic-state-dict.js';
import { backboneChannels, featureLevelShapes, memoryTokens, RELEASED_CONFIG, type TaptrConfig } from '../src/config/taptr-config.js';
import { RESNET50_BLOCKS } from '../src/checkpoint/state-dict-layout.js';
import { tensor } from '@taptr/tensor';
import { buildFrameEncoder } from '../src/graphs/frame-encoder.js';

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
const decoded = decodeOnnxModel(model, 'bench');
let params = 0;
for (const init of decoded.graph.initializer)
  if (init.dataType === (TensorProto_DataType.FLOAT as number)) params += init.dims.reduce((a, b) => a * Number(b), 1);
t = performance.now();
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1 });
const tSession = performance.now() - t;
const image = new ort.Tensor(
  'float32',
  Float32Array.from({ length: 3 * R * R }, (_, i) => Math.sin(i * 0.001) * 2),
  [1, 3, R, R],
);
const times: number[] = [];
let cpu = process.cpuUsage();
for (let i = 0; i < runs + 1; i++) {
  if (i === 1) cpu = process.cpuUsage();
  t = performance.now();
  await session.run({ image });
  times.push(performance.now() - t);
}
const cpuUsed = process.cpuUsage(cpu);
await session.release();

/** Multiply-adds of G1 (convs + dense layers; sampling and elementwise work excluded). */
function encoderMacs(c: TaptrConfig): number {
  let macs = 0;
  let size = c.resolution / 2;
  const w = c.backboneWidth;
  macs += size * size * w * 3 * 49; // stem
  size /= 2; // maxpool
  let inplanes = w;
  RESNET50_BLOCKS.forEach((blocks, stage) => {
    const planes = w * 2 ** stage;
    for (let b = 0; b < blocks; b++) {
      const inSize = size;
      if (b === 0 && stage > 0) size /= 2;
      macs += inSize * inSize * planes * inplanes; // conv1 1x1 at input size
      macs += size * size * planes * planes * 9; // conv2 3x3 (strided)
      macs += size * size * 4 * planes * planes; // conv3
      if (b === 0) macs += size * size * 4 * planes * inplanes; // downsample
      inplanes = 4 * planes;
    }
  });
  const C = c.hiddenDim;
  featureLevelShapes(c).forEach((l, i) => (macs += l.h * l.w * C * backboneChannels(c)[i]!));
  const S = memoryTokens(c);
  const mlp = c.nheads * c.numFeatureLevels * c.encNPoints;
  macs += c.encLayers * S * (C * C * 2 + C * mlp * 3 + 2 * C * c.dimFeedforward);
  return macs;
}

/** The MatMul floor: a [S, C] x [C, F] MatMul (the encoder FFN's shape) on the same runtime and threads. */
async function matmulGflops(): Promise<number> {
  const S = memoryTokens(config);
  const g = createGraphBuilder();
  const x = g.input('x', 'float32', [S, config.hiddenDim]);
  const wData = Float32Array.from({ length: config.hiddenDim * config.dimFeedforward }, (_, i) => Math.sin(i) * 0.05);
  g.output(g.matMul(x, g.initializer(tensor('float32', [config.hiddenDim, config.dimFeedforward], wData))), 'y', 'float32');
  const s = await ort.InferenceSession.create(g.toModelBytes(), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const feed = {
    x: new ort.Tensor(
      'float32',
      Float32Array.from({ length: S * config.hiddenDim }, (_, i) => Math.cos(i)),
      [S, config.hiddenDim],
    ),
  };
  await s.run(feed);
  const ts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await s.run(feed);
    ts.push(performance.now() - t0);
  }
  await s.release();
  ts.sort((a, b) => a - b);
  return (2 * S * config.hiddenDim * config.dimFeedforward) / (ts[2]! * 1e6);
}
const floorGflops = await matmulGflops();
const gflop = (2 * encoderMacs(config)) / 1e9;
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
  cpuMsPerRun: Math.round((cpuUsed.user + cpuUsed.system) / 1000 / runs),
  encoderGflop: Number(gflop.toFixed(1)),
  matmulFloorGflops: Number(floorGflops.toFixed(1)),
  floorMs: Math.round((gflop / floorGflops) * 1000),
  medianOverFloor: Number((median / ((gflop / floorGflops) * 1000)).toFixed(2)),
};
process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
