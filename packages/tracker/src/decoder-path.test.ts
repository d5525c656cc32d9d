// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { chooseDecoderPath, DEFAULT_SAMPLE_FIRST_MAX_POINTS, resolveSampleFirstMaxPoints } from './decoder-path.js';

describe('decoder path by point count', () => {
  it('takes sample-first up to and including the threshold, only when the model has that graph', () => {
    expect([chooseDecoderPath(16, 64, true), chooseDecoderPath(64, 64, true), chooseDecoderPath(65, 64, true)]).toEqual([
      'sample-first',
      'sample-first',
      'project-first',
    ]);
    expect(chooseDecoderPath(1, 0, true)).toBe('project-first');
    expect(chooseDecoderPath(800, Infinity, true)).toBe('sample-first');
    expect(chooseDecoderPath(1, Infinity, false)).toBe('project-first');
  });

  it('resolves sampleFirstMaxPoints: default 64, non-negative integers and Infinity, typed errors naming the option', () => {
    expect(resolveSampleFirstMaxPoints('f', undefined)).toBe(DEFAULT_SAMPLE_FIRST_MAX_POINTS);
    expect(DEFAULT_SAMPLE_FIRST_MAX_POINTS).toBe(64);
    expect([0, 1, 800, Infinity].map((v) => resolveSampleFirstMaxPoints('f', v))).toEqual([0, 1, 800, Infinity]);
    for (const bad of [-1, 2.5, Number.NaN, -Infinity]) expect(() => resolveSampleFirstMaxPoints('f', bad)).toThrow(RangeError);
    for (const bad of ['64', null, 64n]) expect(() => resolveSampleFirstMaxPoints('f', bad)).toThrow(TypeError);
    expect(() => resolveSampleFirstMaxPoints('createTracker', -1)).toThrow(
      'createTracker: options.sampleFirstMaxPoints must be a non-negative integer point count or Infinity (0 = never use the sample-first decoder), got -1',
    );
  });
});
