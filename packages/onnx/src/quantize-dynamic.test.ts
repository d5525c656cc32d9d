// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { tensor, type TensorView } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { runOnnx } from '../test/run-onnx.js';
import { createGraphBuilder } from './graph-builder.js';
import { type ModelProto, TensorProto_DataType } from './gen/onnx_pb.js';
import { decodeOnnxModel } from './onnx-model-codec.js';
import { quantizeDynamic } from './quantize-dynamic.js';

const wave = (n: number, a: number, b = 0): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * a + b) + 0.3 * Math.cos(i * a * 3.7));

function opCounts(model: Uint8Array | ModelProto): Record<string, number> {
  const m = model instanceof Uint8Array ? decodeOnnxModel(model, 'test').model : model;
  const counts: Record<string, number> = {};
  for (const n of m.graph?.node ?? []) {
    const key = `${n.domain ? `${n.domain}.` : ''}${n.opType}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The graph onnxruntime actually runs (level 2 "extended" optimizations, which hold the quantization fusions). */
async function optimized(model: Uint8Array): Promise<ModelProto> {
  const dir = mkdtempSync(join(tmpdir(), 'taptr-quant-'));
  try {
    const path = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'extended', optimizedModelFilePath: path, intraOpNumThreads: 1 });
    await session.release();
    return decodeOnnxModel(new Uint8Array(readFileSync(path)), 'test').model;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** x [R, K] · W [K, N] + b, as the graph builder's `linear` writes it (MatMul + Add). */
function linearModel(W: TensorView<'float32'>, b: TensorView<'float32'>): Uint8Array {
  const g = createGraphBuilder();
  const x = g.input('x', 'float32', ['R', W.dims[0]!]);
  g.output(g.add(g.matMul(x, g.initializer(W, 'w')), g.initializer(b, 'b')), 'y', 'float32');
  return g.toModelBytes();
}

describe('quantizeDynamic', () => {
  const [R, K, N] = [6, 40, 12];
  const W = tensor(
    'float32',
    [K, N],
    wave(K * N, 0.37).map((v, i) => v * (1 + (i % N) / 4)),
  );
  const b = tensor('float32', [N], wave(N, 1.1));
  const x = tensor(
    'float32',
    [R, K],
    wave(R * K, 0.21, 1).map((v, i) => v * 2 - (i % 3)),
  );

  it('replaces MatMul by DynamicQuantizeLinear → MatMulInteger → Cast → Mul, per-channel int8 weights, bias Add kept', () => {
    const { model, quantized, kept } = quantizeDynamic(linearModel(W, b));
    expect(quantized.map((c) => [c.opType, c.weight, c.weightDims])).toEqual([['MatMul', 'w', [K, N]]]);
    expect(kept).toEqual([]);
    expect(opCounts(model)).toEqual({ DynamicQuantizeLinear: 1, MatMulInteger: 1, Mul: 2, Cast: 1, Add: 1, Identity: 1 });
    const m = decodeOnnxModel(model, 'test').model;
    const inits = new Map(m.graph!.initializer.map((t) => [t.name, t]));
    expect(inits.has('w')).toBe(false); // the float weight is dropped
    expect(inits.get('w_quantized')?.dataType).toBe(TensorProto_DataType.INT8);
    expect(inits.get('w_scale')?.dims.map(Number)).toEqual([N]);
    expect(inits.get('w_zero_point')?.dataType).toBe(TensorProto_DataType.INT8);
    expect(JSON.parse(m.metadataProps.find((p) => p.key === 'taptr.quantize')!.value)).toMatchObject({ weightType: 'int8', perChannel: true, quantized: 1 });
  });

  it('onnxruntime fuses each quantized MatMul (+ bias) into one DynamicQuantizeMatMul', async () => {
    for (const weightType of ['int8', 'uint8'] as const) {
      const fused = opCounts(await optimized(quantizeDynamic(linearModel(W, b), { weightType }).model));
      expect(fused, weightType).toEqual({ 'com.microsoft.DynamicQuantizeMatMul': 1 });
    }
  });

  // Error bound of one quantized dot product, exact integer arithmetic: with activation step sx
  // (uint8 per tensor: range incl. 0 / 255, rounding error ≤ sx/2) and weight step sw_j (symmetric,
  // max|W[:, j]| / qmax, error ≤ sw_j/2), |y_j − ŷ_j| ≤ Σ_k |x_k|·sw_j/2 + |W_kj|·sx/2 + sx·sw_j/4.
  it.each([
    ['uint8 (u8u8)', { weightType: 'uint8' as const }, 127],
    ['int8, reduceRange (u8s8 without int16 saturation)', { weightType: 'int8' as const, reduceRange: true }, 63],
  ])('stays within the rounding bound of both quantizations: %s', async (_, options, qmax) => {
    const fp32 = (await runOnnx(linearModel(W, b), { x })).y!.data as Float32Array;
    const q = (await runOnnx(quantizeDynamic(linearModel(W, b), options).model, { x })).y!.data as Float32Array;
    const xs = x.data;
    const sx = (Math.max(0, ...xs) - Math.min(0, ...xs)) / 255;
    for (let r = 0; r < R; r++)
      for (let j = 0; j < N; j++) {
        let maxW = 0;
        for (let k = 0; k < K; k++) maxW = Math.max(maxW, Math.abs(W.data[k * N + j]!));
        const sw = maxW / qmax;
        let bound = 0;
        for (let k = 0; k < K; k++) bound += (Math.abs(xs[r * K + k]!) * sw) / 2 + (Math.abs(W.data[k * N + j]!) * sx) / 2 + (sx * sw) / 4;
        expect(Math.abs(q[r * N + j]! - fp32[r * N + j]!), `row ${r} col ${j}`).toBeLessThanOrEqual(bound * 1.0001 + 1e-6);
      }
  });

  it('quantizes Gemm (transB, bias C) and Conv (uint8 ConvInteger, per-channel scales), shares a weight used twice, honours include', async () => {
    const g = createGraphBuilder();
    const v = g.input('v', 'float32', ['R', K]);
    const shared = g.initializer(W, 'shared');
    const h1 = g.relu(g.matMul(v, shared));
    const h2 = g.matMul(g.sigmoid(v), shared);
    const w2 = g.initializer(tensor('float32', [5, N], wave(5 * N, 0.9)), 'w2');
    const gemm = g.gemm(g.add(h1, h2), w2, g.initializer(tensor('float32', [5], wave(5, 2.1)), 'c2'), { transB: true });
    g.output(gemm, 'y', 'float32');
    const img = g.input('img', 'float32', [1, 3, 9, 9]);
    const convW = g.initializer(tensor('float32', [4, 3, 3, 3], wave(108, 0.51)), 'convw');
    g.output(g.conv(img, convW, g.initializer(tensor('float32', [4], wave(4, 0.3)), 'convb'), { pads: [1, 1, 1, 1], strides: [2, 2] }), 'z', 'float32');
    const small = g.initializer(tensor('float32', [5, 2], wave(10, 0.2)), 'small');
    g.output(g.matMul(gemm, small), 'u', 'float32');
    const model = g.toModelBytes();

    const {
      model: q,
      quantized,
      kept,
    } = quantizeDynamic(model, { opTypes: ['MatMul', 'Gemm', 'Conv'], weightType: 'uint8', include: (c) => c.weight !== 'small' });
    expect(quantized.map((c) => c.opType)).toEqual(['MatMul', 'MatMul', 'Gemm', 'Conv']);
    expect(kept.map((c) => c.weight)).toEqual(['small']);
    const counts = opCounts(q);
    expect(counts).toMatchObject({ DynamicQuantizeLinear: 4, MatMulInteger: 3, ConvInteger: 1, MatMul: 1 });
    expect(counts['Gemm']).toBeUndefined();
    expect(counts['Conv']).toBeUndefined();
    const inits = decodeOnnxModel(q, 'test').model.graph!.initializer;
    expect(
      inits
        .filter((t) => t.name.endsWith('_quantized'))
        .map((t) => t.name)
        .sort(),
    ).toEqual(['convw_quantized', 'shared_quantized', 'w2_t_quantized']);
    expect(inits.find((t) => t.name === 'convw_scale')?.dims.map(Number)).toEqual([1, 4, 1, 1]);

    const feeds = { v: tensor('float32', [3, K], wave(3 * K, 0.3)), img: tensor('float32', [1, 3, 9, 9], wave(243, 0.17)) };
    const a = await runOnnx(model, feeds);
    const c = await runOnnx(q, feeds);
    for (const name of ['y', 'z', 'u']) {
      expect(c[name]!.dims).toEqual(a[name]!.dims);
      const ref = a[name]!.data as Float32Array;
      const got = c[name]!.data as Float32Array;
      const scale = Math.max(...ref.map(Math.abs));
      // A few 8-bit roundings in sequence: well under 3% of the output's magnitude.
      got.forEach((value, i) => expect(Math.abs(value - ref[i]!), `${name}[${i}]`).toBeLessThan(0.03 * scale));
    }
  });

  it('leaves models without constant weights unchanged in content and rejects non-models', () => {
    const g = createGraphBuilder();
    const a = g.input('a', 'float32', [2, 3]);
    const bIn = g.input('b', 'float32', [3, 4]);
    g.output(g.matMul(a, bIn), 'y', 'float32');
    const { quantized, model } = quantizeDynamic(g.toModelBytes());
    expect(quantized).toEqual([]);
    expect(opCounts(model)).toEqual({ MatMul: 1, Identity: 1 });
    expect(() => quantizeDynamic('x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => quantizeDynamic(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(expect.objectContaining({ code: 'TAPTR_CONFIG_INVALID' }));
    expect(() => quantizeDynamic(g.toModelBytes(), { weightType: 'int4' as 'int8' })).toThrow(RangeError);
  });
});
