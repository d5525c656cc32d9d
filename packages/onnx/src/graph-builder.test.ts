// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { compareClose } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { runOnnx } from '../test/run-onnx.js';
import { createGraphBuilder, IR_VERSION, OPSET_VERSION } from './graph-builder.js';
import { decodeOnnxModel } from './onnx-model-codec.js';

describe('createGraphBuilder', () => {
  it('builds a model with a symbolic dimension, initializers and opset 17 / IR 8', async () => {
    const g = createGraphBuilder({ name: 'tiny' });
    const x = g.input('x', 'float32', ['N', 3]);
    const w = g.initializer(tensor('float32', [3, 2], Float32Array.of(1, 2, 3, 4, 5, 6)), 'w');
    const y = g.relu(g.add(g.matMul(x, w), g.constFloat([-10, 0])));
    g.output(y, 'y', 'float32', ['N', 2]);
    const bytes = g.toModelBytes();
    const decoded = decodeOnnxModel(bytes, 'test').model;
    expect(Number(decoded.irVersion)).toBe(IR_VERSION);
    expect(Number(decoded.opsetImport[0]?.version)).toBe(OPSET_VERSION);
    const tensorType = decoded.graph?.input[0]?.type?.value;
    expect(tensorType?.case === 'tensorType' ? tensorType.value.shape?.dim[0]?.value : undefined).toEqual({ case: 'dimParam', value: 'N' });
    for (const n of [1, 4]) {
      const xs = Float32Array.from({ length: n * 3 }, (_, i) => i - 4);
      const out = await runOnnx(bytes, { x: tensor('float32', [n, 3], xs) });
      const expected = new Float32Array(n * 2);
      for (let r = 0; r < n; r++) {
        const [a, b, c] = [xs[3 * r]!, xs[3 * r + 1]!, xs[3 * r + 2]!];
        expected[2 * r] = Math.max(0, a * 1 + b * 3 + c * 5 - 10);
        expected[2 * r + 1] = Math.max(0, a * 2 + b * 4 + c * 6);
      }
      expect(out.y!.dims).toEqual([n, 2]);
      expect(compareClose(out.y!.data as Float32Array, expected, { atol: 1e-6 }).ok).toBe(true);
    }
  });

  it('generates unique scoped names and shares small constants', () => {
    const g = createGraphBuilder();
    expect(g.uniqueName('a')).toBe('a');
    expect(g.uniqueName('a')).toBe('a_1');
    expect(g.scope('enc', () => g.uniqueName('a'))).toBe('enc/a');
    expect(g.constInt64([1, 2]).name).toBe(g.constInt64([1, 2]).name);
    expect(g.constFloat(0.5).name).not.toBe(g.constFloat(-0.5).name);
    expect(() => g.input('a', 'float32', [1])).toThrow(RangeError);
  });

  it('runs GridSample (zeros, align_corners=0), LayerNormalization, Slice, Split, Where/Xor/Cast', async () => {
    const g = createGraphBuilder();
    const img = g.input('img', 'float32', [1, 1, 2, 2]);
    const grid = g.input('grid', 'float32', [1, 1, 'P', 2]);
    const mask = g.input('mask', 'bool', [2, 2]);
    const sampled = g.gridSample(img, grid, { paddingMode: 'zeros', alignCorners: false });
    g.output(sampled, 'sampled', 'float32', [1, 1, 1, 'P']);
    const flat = g.reshape(img, [1, 4]);
    g.output(g.layerNormalization(flat, g.constFloat([1, 1, 1, 1]), g.constFloat([0, 0, 0, 1])), 'ln', 'float32', [1, 4]);
    const [first, rest] = g.split(flat, [1, 3], 1);
    g.output(g.concat([g.slice(rest!, [1], [3], [1]), first!], 1), 'rot', 'float32', [1, 3]);
    const x = g.xor(mask, g.transpose(mask, [1, 0]));
    g.output(g.where(x, g.constFloat(-Infinity), g.cast(mask, 'float32')), 'masked', 'float32', [2, 2]);
    const out = await runOnnx(g.toModelBytes(), {
      img: tensor('float32', [1, 1, 2, 2], Float32Array.of(1, 2, 3, 4)),
      // pixel centres are at ±0.5; (0,0) is the centre; (1,1) lies on the corner: half the taps are outside.
      grid: tensor('float32', [1, 1, 3, 2], Float32Array.of(0, 0, -0.5, -0.5, 1, 1)),
      mask: tensor('bool', [2, 2], Uint8Array.of(1, 1, 0, 0)),
    });
    expect(compareClose(out.sampled!.data as Float32Array, [2.5, 1, 4 / 4], { atol: 1e-6 }).ok).toBe(true);
    const mean = 2.5;
    const sd = Math.sqrt(((1.5 ** 2 + 0.5 ** 2) * 2) / 4 + 1e-5);
    expect(compareClose(out.ln!.data as Float32Array, [(1 - mean) / sd, (2 - mean) / sd, (3 - mean) / sd, (4 - mean) / sd + 1], { atol: 1e-5 }).ok).toBe(true);
    expect(Array.from(out.rot!.data as Float32Array)).toEqual([3, 4, 1]);
    expect(Array.from(out.masked!.data as Float32Array)).toEqual([1, -Infinity, -Infinity, 0]);
  });

  it('rejects bad attribute values with a named RangeError', () => {
    const g = createGraphBuilder();
    const x = g.input('x', 'float32', [1]);
    expect(() => g.op('Foo', [x], { ints: [0.5] })).toThrow(/attrs\.ints must be integers/);
  });
});
