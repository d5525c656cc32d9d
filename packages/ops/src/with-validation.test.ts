// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { createCpuOps } from './cpu/create-cpu-ops.js';

describe('withValidation (CPU façade)', () => {
  const ops = createCpuOps();
  const input = tensor('float32', [1, 2, 3, 4]);
  const grid = tensor('float32', [1, 5, 6, 2]);

  it('allocates [N, C, Ho, Wo] when no out is given', async () => {
    expect((await ops.gridSample(input, grid)).dims).toEqual([1, 2, 5, 6]);
  });
  it('names the argument, the expected form and the actual value', async () => {
    await expect(ops.gridSample(tensor('float32', [2, 3, 4]), grid)).rejects.toThrow('gridSample: input must be of shape [N, C, H, W], got [2, 3, 4]');
    await expect(ops.gridSample(tensor('int32', [1, 2, 3, 4]) as never, grid)).rejects.toThrow(TypeError);
    await expect(ops.gridSample(input, grid, { paddingMode: 'wrap' as never })).rejects.toThrow(
      "gridSample: attrs.paddingMode must be one of 'zeros' | 'border' | 'reflection', got \"wrap\"",
    );
    await expect(ops.gridSample(tensor('float32', [1, 2, 0, 4]), grid)).rejects.toThrow(RangeError);
    await expect(ops.gridSample({ type: 'float32', dims: [1, 2, 3, 4], data: new Float32Array(3) } as never, grid)).rejects.toThrow(
      'gridSample: input.data must be 24 elements for shape [1, 2, 3, 4], got 3',
    );
  });
  it('checks costVolume shapes across features, queries, centers and attrs', async () => {
    const f0 = tensor('float32', [2, 4, 8, 8]);
    const f1 = tensor('float32', [2, 4, 4, 4]);
    const q = tensor('float32', [2, 3, 4]);
    const c = tensor('float32', [2, 3, 2]);
    expect((await ops.costVolume([f0, f1], q, c)).dims).toEqual([2, 3, 98]);
    expect((await ops.costVolume([f0], q, c, { radius: 1 })).dims).toEqual([2, 3, 9]);
    await expect(ops.costVolume([f0, tensor('float32', [2, 5, 4, 4])], q, c)).rejects.toThrow('costVolume: features[1] must be of shape [B=2, C=4, *, *], got [2, 5, 4, 4]');
    await expect(ops.costVolume([], q, c)).rejects.toThrow(TypeError);
    await expect(ops.costVolume([f0], q, tensor('float32', [2, 4, 2]))).rejects.toThrow('costVolume: centers must be of shape [B=2, N=3, 2], got [2, 4, 2]');
    await expect(ops.costVolume([f0], q, c, { radius: 1.5 })).rejects.toThrow('costVolume: attrs.radius must be an integer in [0, 64], got 1.5');
    await expect(ops.costVolume([f0], q, c, { method: 'fast' as never })).rejects.toThrow("attrs.method must be one of 'taps' | 'full' | 'window'");
  });
  it('uses 1/sqrt(C) as the default scale', async () => {
    const f = tensor('float32', [1, 4, 1, 1], Float32Array.from([1, 1, 1, 1]));
    const q = tensor('float32', [1, 1, 4], Float32Array.from([1, 2, 3, 4]));
    const c = tensor('float32', [1, 1, 2]);
    const out = await ops.costVolume([f], q, c, { radius: 0 });
    expect(out.data[0]).toBeCloseTo(10 / 2, 6);
    expect((await ops.costVolume([f], q, c, { radius: 0, scale: 1 })).data[0]).toBe(10);
  });
});
