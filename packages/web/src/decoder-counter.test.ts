// SPDX-License-Identifier: Apache-2.0
import type { DecoderWindowInput, RuntimeGraphRunner } from '@taptr/tracker';
import { describe, expect, it } from 'vitest';
import { countDecoderWindows } from './decoder-counter.js';

/** A runner that picks sample-first up to 4 points and records what it was asked. */
function fakeRunner() {
  const calls: string[] = [];
  const runner: RuntimeGraphRunner = {
    resolution: 16,
    encodeFrames: async (_images, count) => (calls.push(`encode ${count}`), { memories: [], tokens: 1, channels: 1 }),
    initQueries: async (_memory, _xy, count) => (calls.push(`init ${count}`), new Float32Array(count)),
    decoderPath: (points) => (points <= 4 ? 'sample-first' : 'project-first'),
    decodeWindow: async (input) => (calls.push(`decode ${input.points}`), { refUnsigOut: new Float32Array(1), visLogits: new Float32Array(1), contentOut: new Float32Array(1) }),
    decodeWindowOn: async () => {
      throw new Error('not used');
    },
    release: async () => void calls.push('release'),
  };
  return { runner, calls };
}
const windowOf = (points: number) => ({ points }) as DecoderWindowInput;

describe('countDecoderWindows', () => {
  it('counts decoded windows per decoder build, passes every call through, and resets', async () => {
    const { runner, calls } = fakeRunner();
    const counting = countDecoderWindows(runner);
    expect(counting.runner.resolution).toBe(16);
    await counting.runner.encodeFrames(new Float32Array(0), 2);
    await counting.runner.initQueries(new Float32Array(0), new Float32Array(0), 3);
    for (const n of [1, 4, 5, 3]) await counting.runner.decodeWindow(windowOf(n));
    expect(counting.counts()).toEqual({ 'sample-first': 3, 'project-first': 1 });
    counting.reset();
    expect(counting.counts()).toEqual({ 'sample-first': 0, 'project-first': 0 });
    await counting.runner.decodeWindow(windowOf(800));
    expect(counting.counts()).toEqual({ 'sample-first': 0, 'project-first': 1 });
    await counting.runner.release();
    expect(calls).toEqual(['encode 2', 'init 3', 'decode 1', 'decode 4', 'decode 5', 'decode 3', 'decode 800', 'release']);
  });

  it('does not count a window whose decoding failed', async () => {
    const { runner } = fakeRunner();
    const counting = countDecoderWindows({ ...runner, decodeWindow: () => Promise.reject(new Error('lost')) });
    await expect(counting.runner.decodeWindow(windowOf(2))).rejects.toThrow('lost');
    expect(counting.counts()).toEqual({ 'sample-first': 0, 'project-first': 0 });
  });
});
