// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { runOnnx } from '../test/run-onnx.js';
import { float16BitsToFloat32, float32ToFloat16Bits, FLOAT16_MAX, storeFloat16Weights } from './float16-weights.js';
import { createGraphBuilder } from './graph-builder.js';
import { TensorProto_DataType } from './gen/onnx_pb.js';
import { decodeOnnxModel } from './onnx-model-codec.js';

describe('float32ToFloat16Bits / float16BitsToFloat32', () => {
  it('converts known values, rounds to nearest even, overflows to infinity and flushes tiny values to zero', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [FLOAT16_MAX, 0x7bff],
      [65519, 0x7bff], // rounds down to the largest finite value
      [65520, 0x7c00], // rounds up to infinity
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // exactly half of it: ties to even (0)
      [3 * 2 ** -25, 0x0002], // 1.5 subnormal steps: ties to even (2)
      [1 + 2 ** -11, 0x3c00], // tie between 1 and 1 + 2^-10: even mantissa
      [1 + 3 * 2 ** -11, 0x3c02],
      [Number.POSITIVE_INFINITY, 0x7c00],
    ];
    for (const [value, bits] of cases) expect(float32ToFloat16Bits(value), String(value)).toBe(bits);
    expect(float32ToFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(Number.NaN)))).toBe(true);
  });

  it('round-trips every finite float16 value exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue; // Inf / NaN
      expect(float32ToFloat16Bits(float16BitsToFloat32(bits))).toBe(bits);
    }
  });
});

describe('storeFloat16Weights', () => {
  const [K, N] = [64, 24];
  const W = tensor(
    'float32',
    [K, N],
    Float32Array.from({ length: K * N }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7))),
  );
  const big = tensor(
    'float32',
    [20],
    Float32Array.from({ length: 20 }, (_, i) => (i === 3 ? 1e5 : i)),
  );

  function model(): Uint8Array {
    const g = createGraphBuilder();
    const x = g.input('x', 'float32', ['R', K]);
    const y = g.add(g.matMul(x, g.initializer(W, 'w')), g.initializer(tensor('float32', [N], new Float32Array(N).fill(0.125)), 'b'));
    g.output(g.mul(y, g.constFloat(1e-5)), 'y', 'float32');
    g.output(g.add(g.slice(x, [0], [1], [0]), g.constFloat(0)), 'first', 'float32');
    g.output(g.identity(g.initializer(big, 'big')), 'big_out', 'float32');
    return g.toModelBytes();
  }

  it('stores large float initializers as float16 behind a Cast, keeps small and out-of-range ones, halves the bytes', () => {
    const fp32 = model();
    const { model: half, converted, kept } = storeFloat16Weights(fp32);
    expect(converted.map((c) => c.name)).toEqual(['w', 'b']);
    // 'big' holds 1e5, beyond float16; the rest are small constants (< 16 elements).
    expect(kept.map((c) => c.name)).toContain('big');
    expect(kept.every((c) => c.name === 'big' || c.dims.reduce((p, d) => p * d, 1) < 16)).toBe(true);
    const m = decodeOnnxModel(half, 'test').model;
    const w16 = m.graph!.initializer.find((t) => t.name === 'w_fp16')!;
    expect(w16.dataType).toBe(TensorProto_DataType.FLOAT16);
    expect(w16.rawData.length).toBe(K * N * 2);
    expect(m.graph!.initializer.some((t) => t.name === 'w')).toBe(false);
    const casts = m.graph!.node.slice(0, 2);
    expect(casts.map((n) => [n.opType, n.input[0], n.output[0]])).toEqual([
      ['Cast', 'w_fp16', 'w'],
      ['Cast', 'b_fp16', 'b'],
    ]);
    expect(JSON.parse(m.metadataProps.find((p) => p.key === 'taptr.float16_weights')!.value)).toMatchObject({ converted: 2 });
    expect(half.length).toBeLessThan(fp32.length - K * N * 2 + 200);
  });

  // Each weight is rounded to the nearest float16: |Δw| ≤ 2^-11·|w| (normal range), so
  // |Δy_j| ≤ 2^-11 · Σ_k |x_k|·|W_kj| (+ the same for the bias), the graph computing in float32.
  it('computes in float32 with the rounded weights: within 2^-11 · Σ|x||w| of the float32 model', async () => {
    const R = 5;
    const x = tensor(
      'float32',
      [R, K],
      Float32Array.from({ length: R * K }, (_, i) => Math.cos(i * 0.29) * 3),
    );
    const a = (await runOnnx(model(), { x })).y!.data as Float32Array;
    const b = (await runOnnx(storeFloat16Weights(model()).model, { x })).y!.data as Float32Array;
    for (let r = 0; r < R; r++)
      for (let j = 0; j < N; j++) {
        let bound = 0.125;
        for (let k = 0; k < K; k++) bound += Math.abs(x.data[r * K + k]! * W.data[k * N + j]!);
        expect(Math.abs(a[r * N + j]! - b[r * N + j]!)).toBeLessThanOrEqual(bound * 2 ** -11 * 1e-5 * 1.001 + 1e-12);
      }
  });

  it('validates its arguments', () => {
    expect(() => storeFloat16Weights(new Float32Array(2) as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => storeFloat16Weights(model(), { minElements: 0 })).toThrow(RangeError);
    expect(() => storeFloat16Weights(Uint8Array.of(0xff, 0xff))).toThrow(expect.objectContaining({ code: 'TAPTR_CONFIG_INVALID' }));
  });
});
