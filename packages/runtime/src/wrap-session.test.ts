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
  return s as unknown as InferenceSessionLike & { released: number };
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
});
