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
    const levels = [
      { h: 8, w: 8 },
      { h: 4, w: 4 },
    ];
    const f = tensor('float32', [2, 80, 4]);
    const q = tensor('float32', [2, 3, 2, 5]);
    const c = tensor('float32', [2, 3, 2]);
    expect((await ops.costVolume(f, q, c, { levels })).dims).toEqual([2, 3, 98]);
    expect((await ops.costVolume(f, tensor('float32', [2, 3, 1, 5]), c, { levels: [{ h: 10, w: 8 }], radius: 1 })).dims).toEqual([2, 3, 9]);
    await expect(ops.costVolume(f, tensor('float32', [2, 3, 2, 4]), c, { levels })).rejects.toThrow(
      'costVolume: queries must be of shape [B=2, N, L=2, C+1=5], got [2, 3, 2, 4]',
    );
    await expect(ops.costVolume(f, q, c, { levels: [{ h: 8, w: 8 }] })).rejects.toThrow('costVolume: attrs.levels must be levels of S = 80 tokens in all');
    await expect(ops.costVolume(f, q, tensor('float32', [2, 4, 2]), { levels })).rejects.toThrow(
      'costVolume: centers must be of shape [B=2, N=3, 2], got [2, 4, 2]',
    );
    await expect(ops.costVolume(f, q, c, { levels, radius: 1.5 })).rejects.toThrow('costVolume: attrs.radius must be an integer in [0, 64], got 1.5');
    await expect(ops.costVolume(f, q, c, { levels, pixelScale: [1] as never })).rejects.toThrow(
      'costVolume: attrs.pixelScale must be a pair of finite numbers [sx, sy]',
    );
    await expect(ops.costVolume(f, q, c, { levels, method: 'fast' as never })).rejects.toThrow("attrs.method must be one of 'taps' | 'volume'");
  });
  it('uses 1/sqrt(C) as the default scale and adds the query bias', async () => {
    const f = tensor('float32', [1, 1, 4], Float32Array.from([1, 1, 1, 1]));
    const q = tensor('float32', [1, 1, 1, 5], Float32Array.from([1, 2, 3, 4, 6]));
    const c = tensor('float32', [1, 1, 2]);
    const levels = [{ h: 1, w: 1 }];
    expect((await ops.costVolume(f, q, c, { levels, radius: 0 })).data[0]).toBeCloseTo(16 / 2, 6);
    expect((await ops.costVolume(f, q, c, { levels, radius: 0, scale: 1 })).data[0]).toBe(16);
  });
  it('checks bilinearGather table rows, positions and attrs', async () => {
    const table = tensor('float32', [10, 3]);
    const positions = tensor('float32', [5, 2]);
    expect((await ops.bilinearGather(table, positions, { height: 2, width: 3, start: 4, paddingMode: 'zeros' })).dims).toEqual([5, 3]);
    await expect(ops.bilinearGather(table, positions, { height: 2, width: 3, start: 5, paddingMode: 'zeros' })).rejects.toThrow(
      'bilinearGather: attrs.start must be at most 4 (S = 10 rows, map of 6), got 5',
    );
    await expect(ops.bilinearGather(table, positions, { height: 0, width: 3, paddingMode: 'zeros' })).rejects.toThrow(
      'bilinearGather: attrs.height must be a positive integer, got 0',
    );
    await expect(ops.bilinearGather(tensor('float32', [10]), positions, { height: 2, width: 3, paddingMode: 'zeros' })).rejects.toThrow(
      'bilinearGather: table must be of shape [S, C], got [10]',
    );
  });
});
