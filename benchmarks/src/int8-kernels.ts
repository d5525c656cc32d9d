// SPDX-License-Identifier: Apache-2.0
/**
 * What onnxruntime's int8 kernels cost on this CPU against float32, one layer shape at a time (issue 15:
 * int8 on VNNI): the encoder's tiled dense layers (dynamic `DynamicQuantizeMatMul`, u8s8 and u8u8) and
 * ResNet-50 convolutions at 512x512 as chains of 4 (float32 NCHWc `Conv`; dynamic `ConvInteger` u8u8;
 * static QDQ that onnxruntime fuses into `QLinearConv` u8s8, symmetric per-channel weights). Each shape's
 * variants are timed round-robin in one process (the same load), medians. Only the output's first row
 * leaves each session (a Slice), so the kernels are timed, not onnxruntime-node's copy of the output into
 * fresh JS memory (~3 ms per MB on a machine with expensive fresh memory). Prints one line per shape.
 *
 *   npx tsx --conditions @taptr/source src/int8-kernels.ts --runs 5 --threads 2
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createGraphBuilder, quantizeDynamic, type GraphBuilder, type OnnxValue } from '@taptr/onnx';
import { memorySessionOptions } from '@taptr/runtime-node';
import { tensor } from '@taptr/tensor';
import * as ort from 'onnxruntime-node';
import { timeRoundRobin } from './sample-stats.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, threads: { type: 'string', default: '2' }, only: { type: 'string', default: 'matmul,conv' } },
});
const runs = Number(values.runs);
const threads = Number(values.threads);
const only = new Set(values.only.split(','));

const wave = (n: number, s: number, phase = 0): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + phase) * s);

async function compare(name: string, models: Record<string, Uint8Array>, feeds: Record<string, ort.Tensor>, gflop: number): Promise<void> {
  const base = memorySessionOptions('balanced');
  const entries = Object.entries(models);
  const sessions = await Promise.all(entries.map(([, m]) => ort.InferenceSession.create(m, { ...base, intraOpNumThreads: threads, interOpNumThreads: 1 })));
  for (const s of sessions) await s.run(feeds);
  const stats = await timeRoundRobin(
    sessions.map((s) => () => s.run(feeds)),
    runs,
  );
  await Promise.all(sessions.map((s) => s.release()));
  const fp32 = stats[0]!.median;
  const cells = entries.map(([k], i) => {
    const ms = stats[i]!.median;
    return `${k} ${ms.toFixed(1)} ms (${((gflop * 1000) / ms).toFixed(0)} GOP/s, ${(fp32 / ms).toFixed(2)}x)`;
  });
  console.log(`${name} [${gflop.toFixed(2)} GOP]: ${cells.join(' | ')}  load ${loadavg()[0]!.toFixed(2)}`);
}

/** Symmetric per-output-channel int8 weights of W [Co, ...] and their scales. */
function quantizeRows(w: Float32Array, rows: number): { q: Int8Array; scales: Float32Array } {
  const per = w.length / rows;
  const q = new Int8Array(w.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(w[r * per + i]!));
    const s = m > 0 ? m / 127 : 1;
    scales[r] = s;
    for (let i = 0; i < per; i++) q[r * per + i] = Math.round(w[r * per + i]! / s);
  }
  return { q, scales };
}

interface ConvShape {
  readonly ci: number;
  readonly co: number;
  readonly k: number;
  readonly h: number;
}

/** A chain of `depth` convolutions (+ Relu) of `shape` (the first Ci -> Co, then Co -> Co): float32, or static QDQ (QLinearConv once fused). */
function convChain(shape: ConvShape, depth: number, qdq: boolean): Uint8Array {
  const g = createGraphBuilder({ name: 'conv-chain' });
  const x = g.input('x', 'float32', [1, shape.ci, shape.h, shape.h]);
  const p = (shape.k - 1) / 2;
  const actScale = 4 / 255; // static activation scale (u8, zero point 0: post-Relu values)
  const q = (v: OnnxValue): OnnxValue => g.op('QuantizeLinear', [v, g.constFloat(actScale), g.initializer(tensor('uint8', [], new Uint8Array([0])))]);
  const dq = (v: OnnxValue): OnnxValue => g.op('DequantizeLinear', [v, g.constFloat(actScale), g.initializer(tensor('uint8', [], new Uint8Array([0])))]);
  let y: OnnxValue = qdq ? dq(q(x)) : x;
  for (let d = 0; d < depth; d++) {
    const ci = d === 0 ? shape.ci : shape.co;
    const fan = ci * shape.k * shape.k;
    const w = wave(shape.co * fan, Math.sqrt(2 / fan), d);
    const b = wave(shape.co, 0.1, d + 1);
    let wv: OnnxValue;
    let bv: OnnxValue;
    if (qdq) {
      const { q: wq, scales } = quantizeRows(w, shape.co);
      wv = g.op(
        'DequantizeLinear',
        [
          g.initializer(tensor('int8', [shape.co, ci, shape.k, shape.k], wq)),
          g.initializer(tensor('float32', [shape.co], scales)),
          g.initializer(tensor('int8', [shape.co], new Int8Array(shape.co))),
        ],
        { axis: 0 },
      );
      const bScale = scales.map((s) => s * actScale);
      const bq = Int32Array.from(b, (v, i) => Math.round(v / bScale[i]!));
      bv = g.op(
        'DequantizeLinear',
        [
          g.initializer(tensor('int32', [shape.co], bq)),
          g.initializer(tensor('float32', [shape.co], bScale)),
          g.initializer(tensor('int32', [shape.co], new Int32Array(shape.co))),
        ],
        { axis: 0 },
      );
    } else {
      wv = g.initializer(tensor('float32', [shape.co, ci, shape.k, shape.k], w));
      bv = g.initializer(tensor('float32', [shape.co], b));
    }
    y = g.relu(g.conv(y, wv, bv, { pads: [p, p, p, p], strides: [1, 1] }));
    if (qdq) y = dq(q(y));
  }
  // Only the first output row leaves the session: no copy of the whole output into fresh JS memory is timed.
  g.output(g.slice(y, [0], [1], [2]), 'y', 'float32');
  return g.toModelBytes();
}

function denseTile(g: GraphBuilder, rows: number, cin: number, cout: number): void {
  const x = g.input('x', 'float32', [rows, cin]);
  const y = g.add(
    g.matMul(x, g.initializer(tensor('float32', [cin, cout], wave(cin * cout, 0.05)))),
    g.initializer(tensor('float32', [cout], wave(cout, 0.1))),
  );
  // Only the first row leaves the session (as the MatMul floor): no copy of [rows, cout] into fresh JS memory is timed.
  g.output(g.slice(y, [0], [1], [0]), 'y', 'float32');
}

if (only.has('matmul')) {
  for (const [rows, cin, cout, what] of [
    [1360, 256, 2048, 'FFN linear1 tile'],
    [1360, 2048, 256, 'FFN linear2 tile'],
    [21760, 256, 256, 'value_proj'],
    [1360, 256, 256, 'output_proj tile'],
  ] as const) {
    const g = createGraphBuilder({ name: 'dense' });
    denseTile(g, rows, cin, cout);
    const fp32 = g.toModelBytes();
    const models = { fp32, u8s8: quantizeDynamic(fp32, { weightType: 'int8' }).model, u8u8: quantizeDynamic(fp32, { weightType: 'uint8' }).model };
    await compare(
      `${what} [${rows},${cin}]x[${cin},${cout}]`,
      models,
      { x: new ort.Tensor('float32', wave(rows * cin, 1), [rows, cin]) },
      (2 * rows * cin * cout) / 1e9,
    );
  }
}

if (only.has('conv')) {
  for (const shape of [
    { ci: 64, co: 64, k: 3, h: 128 },
    { ci: 256, co: 64, k: 1, h: 128 },
    { ci: 128, co: 128, k: 3, h: 64 },
    { ci: 512, co: 128, k: 1, h: 64 },
    { ci: 256, co: 256, k: 3, h: 32 },
    { ci: 1024, co: 256, k: 1, h: 32 },
    { ci: 512, co: 512, k: 3, h: 16 },
    { ci: 2048, co: 512, k: 1, h: 16 },
  ] as const) {
    const depth = 4;
    const fp32 = convChain(shape, depth, false);
    const models = { fp32, 'ConvInteger u8u8': quantizeDynamic(fp32, { opTypes: ['Conv'] }).model, 'QLinearConv u8s8 (static)': convChain(shape, depth, true) };
    const macs = shape.h * shape.h * shape.k * shape.k * shape.co * (shape.ci + (depth - 1) * shape.co);
    const feeds = { x: new ort.Tensor('float32', wave(shape.ci * shape.h * shape.h, 1).map(Math.abs), [1, shape.ci, shape.h, shape.h]) };
    await compare(`${depth} x Conv ${shape.k}x${shape.k} ${shape.ci}->${shape.co} at ${shape.h}x${shape.h} + Relu`, models, feeds, (2 * macs) / 1e9);
  }
}
