// SPDX-License-Identifier: Apache-2.0
import type { InferenceSession } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import { inputSpecsOf, wrapInferenceSession, type InferenceSessionLike } from './wrap-session.js';

function fakeSession(): InferenceSessionLike & { released: number } {
  const s = {
    released: 0,
    inputNames: ['x'],
    outputNames: ['y'],
    inputMetadata: [{ name: 'x', isTensor: true, type: 'float32', shape: ['n', 3] }] as InferenceSession.ValueMetadata[],
    run: (feeds: InferenceSession.FeedsType) => Promise.resolve({ y: feeds['x']! } as InferenceSession.ReturnType),
    release: () => {
      s.released++;
      return Promise.resolve();
    },
  };
  return s;
}

describe('wrapInferenceSession', () => {
  it('reads input specs from the session metadata', () => {
    expect(inputSpecsOf(fakeSession())).toEqual([{ name: 'x', type: 'float32', shape: ['n', 3] }]);
  });

  it('validates feeds, runs, and releases once', async () => {
    const inner = fakeSession();
    const s = wrapInferenceSession(inner, 'toy');
    const x = { type: 'float32', dims: [2, 3], data: new Float32Array(6) } as never;
    expect(Object.keys(await s.run({ x }))).toEqual(['y']);
    await expect(s.run({ z: x })).rejects.toThrow('toy: missing input "x"; unexpected input "z" (expected inputs: "x")');
    await s.release();
    await s.release();
    expect(inner.released).toBe(1);
    await expect(s.run({ x })).rejects.toThrow('toy: run() called after release()');
  });

  it('leaves pre-allocated outputs in the given tensors (copied, or as fetches where the runtime writes in place)', async () => {
    const calls: unknown[] = [];
    const inner = {
      ...fakeSession(),
      outputNames: ['y', 'z'],
      run: (feeds: InferenceSession.FeedsType, fetches?: unknown) => {
        calls.push(fetches);
        const x = feeds['x']!.data as Float32Array;
        // A runtime that returns its own copies (it did not write into the given tensor).
        return Promise.resolve({
          y: { type: 'float32', data: x.map((v) => v * 2), dims: [2, 3] },
          z: { type: 'float32', data: Float32Array.of(7), dims: [1] },
        } as unknown as InferenceSession.ReturnType);
      },
    } as unknown as InferenceSessionLike;
    const x = { type: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) } as never;
    const ring = new Float32Array(10).fill(-1);
    const y = { type: 'float32', dims: [2, 3], data: ring.subarray(2, 8) } as never;
    const copied = wrapInferenceSession(inner, 'toy');
    const out = await copied.run({ x }, { y });
    expect(calls[0]).toBeUndefined();
    expect(Array.from(ring)).toEqual([-1, -1, 2, 4, 6, 8, 10, 12, -1, -1]);
    expect(Array.from(out['z']!.data as Float32Array)).toEqual([7]);
    // An adapter whose runtime writes in place: fetches passed, nothing copied.
    ring.fill(-1);
    await wrapInferenceSession(inner, 'toy', { writesOutputsInPlace: true }).run({ x }, { y });
    expect(calls[1]).toEqual({ y, z: null });
    expect(Array.from(ring)).toEqual(Array(10).fill(-1));
    await expect(copied.run({ x }, { w: y })).rejects.toThrow('toy: pre-allocated output "w" is not an output of the model (outputs: "y", "z")');
    // A pre-allocated tensor of another shape is named, never partly written.
    ring.fill(-1);
    const wrong = { type: 'float32', dims: [3, 2], data: ring.subarray(2, 8) } as never;
    await expect(copied.run({ x }, { y: wrong })).rejects.toThrow('toy: output "y" is float32 [2, 3], the pre-allocated tensor float32 [3, 2]');
    expect(Array.from(ring)).toEqual(Array(10).fill(-1));
  });

  it('passes GPU pre-allocated outputs to the runtime (written on the device) and copies the host ones', async () => {
    const calls: unknown[] = [];
    const inner = {
      ...fakeSession(),
      outputNames: ['y', 'z'],
      run: (_feeds: InferenceSession.FeedsType, fetches?: unknown) => {
        calls.push(fetches);
        return Promise.resolve({
          y: { type: 'float32', location: 'gpu-buffer', dims: [2, 3] },
          z: { type: 'float32', data: Float32Array.of(7), dims: [1] },
        } as unknown as InferenceSession.ReturnType);
      },
    } as unknown as InferenceSessionLike;
    const x = { type: 'float32', dims: [2, 3], data: new Float32Array(6) } as never;
    const y = {
      type: 'float32',
      location: 'gpu-buffer',
      dims: [2, 3],
      get data(): never {
        throw new Error('a GPU tensor has no host data');
      },
    } as never;
    const z = { type: 'float32', dims: [1], data: new Float32Array(1) } as never;
    await wrapInferenceSession(inner, 'toy').run({ x }, { y, z });
    expect(calls[0]).toEqual({ y, z: null });
    expect(Array.from((z as { data: Float32Array }).data)).toEqual([7]);
  });

  it('exposes the input and output specs when the session reports metadata', () => {
    const inner = { ...fakeSession(), outputMetadata: [{ name: 'y', isTensor: true, type: 'float32', shape: [] }] } as unknown as InferenceSessionLike;
    const s = wrapInferenceSession(inner, 'toy');
    expect(s.inputSpecs).toEqual([{ name: 'x', type: 'float32', shape: ['n', 3] }]);
    expect(s.outputSpecs).toEqual([{ name: 'y', type: 'float32' }]);
    expect(wrapInferenceSession(fakeSession(), 'toy').inputSpecs).toBeUndefined();
  });
});
