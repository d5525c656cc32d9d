// SPDX-License-Identifier: Apache-2.0
import type { DecoderWindowInput, DecoderWindowOutput, MemoryStorage, RuntimeGraphRunner } from '@taptr/tracker';
import { describe, expect, it } from 'vitest';
import { countDecoderWindows } from './decoder-counter.js';

/** A runner that picks sample-first up to 4 points and records what it was asked. */
function fakeRunner() {
  const calls: string[] = [];
  const runner: RuntimeGraphRunner = {
    resolution: 16,
    tokens: 3,
    channels: 2,
    copiesInputs: true,
    allocateMemory: (floats) => (calls.push(`allocate ${floats}`), new Float32Array(floats) as unknown as MemoryStorage),
    encodeFrames: async (_images, count) => void calls.push(`encode ${count}`),
    initQueries: async (_memory, _xy, count) => (calls.push(`init ${count}`), new Float32Array(count)),
    decoderPath: (points) => (points <= 4 ? 'sample-first' : 'project-first'),
    decodeWindow: async (input, output) => void calls.push(`decode ${input.points} into ${output.visLogits.length}`),
    decodeWindowOn: async () => {
      throw new Error('not used');
    },
    release: async () => void calls.push('release'),
  };
  return { runner, calls };
}
const windowOf = (points: number) => ({ points }) as DecoderWindowInput;
const output = { visLogits: new Float32Array(7) } as DecoderWindowOutput;

describe('countDecoderWindows', () => {
  it('counts decoded windows per decoder build, passes every call through, and resets', async () => {
    const { runner, calls } = fakeRunner();
    const counting = countDecoderWindows(runner);
    expect([counting.runner.resolution, counting.runner.tokens, counting.runner.channels, counting.runner.copiesInputs]).toEqual([16, 3, 2, true]);
    counting.runner.allocateMemory!(6);
    await counting.runner.encodeFrames(new Float32Array(0), 2, new Float32Array(12));
    await counting.runner.initQueries(new Float32Array(0), new Float32Array(0), 3);
    for (const n of [1, 4, 5, 3]) await counting.runner.decodeWindow(windowOf(n), output);
    expect(counting.counts()).toEqual({ 'sample-first': 3, 'project-first': 1 });
    counting.reset();
    expect(counting.counts()).toEqual({ 'sample-first': 0, 'project-first': 0 });
    await counting.runner.decodeWindow(windowOf(800), output);
    expect(counting.counts()).toEqual({ 'sample-first': 0, 'project-first': 1 });
    await counting.runner.release();
    expect(calls).toEqual([
      'allocate 6',
      'encode 2',
      'init 3',
      'decode 1 into 7',
      'decode 4 into 7',
      'decode 5 into 7',
      'decode 3 into 7',
      'decode 800 into 7',
      'release',
    ]);
  });

  it('does not count a window whose decoding failed', async () => {
    const { runner } = fakeRunner();
    const counting = countDecoderWindows({ ...runner, decodeWindow: () => Promise.reject(new Error('lost')) });
    await expect(counting.runner.decodeWindow(windowOf(2), output)).rejects.toThrow('lost');
    expect(counting.counts()).toEqual({ 'sample-first': 0, 'project-first': 0 });
  });
});
