// SPDX-License-Identifier: Apache-2.0
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { checkFeeds, ModelIoMismatchError, type ModelInputSpec } from './model-io.js';

const specs: ModelInputSpec[] = [
  { name: 'memory', type: 'float32', shape: [8, 'S', 64] },
  { name: 'content', type: 'float32', shape: [8, 'N', 64] },
  { name: 'track_mask', type: 'bool', shape: ['N', 8] },
];
const t = (type: string, dims: number[]) => ({ type, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
const good = { memory: t('float32', [8, 10, 64]), content: t('float32', [8, 5, 64]), track_mask: t('bool', [5, 8]) };

function caught(fn: () => void): ModelIoMismatchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelIoMismatchError);
    expect(isTaptrError(e, 'TAPTR_MODEL_IO_MISMATCH')).toBe(true);
    return e as ModelIoMismatchError;
  }
  throw new Error('expected a ModelIoMismatchError');
}

describe('checkFeeds', () => {
  it('accepts matching feeds', () => {
    expect(() => checkFeeds('g', specs, good)).not.toThrow();
  });

  it('names missing and extra inputs and lists the expected ones', () => {
    const { track_mask: _, ...rest } = good;
    const e = caught(() => checkFeeds('decoder_window', specs, { ...rest, tracks: good.track_mask }));
    expect(e.message).toBe('decoder_window: missing input "track_mask"; unexpected input "tracks" (expected inputs: "memory", "content", "track_mask")');
    expect(e.details).toEqual({ expected: ['memory', 'content', 'track_mask'], missing: ['track_mask'], unexpected: ['tracks'] });
  });

  it('names a wrong element type', () => {
    const e = caught(() => checkFeeds('g', specs, { ...good, track_mask: t('float32', [5, 8]) }));
    expect(e.message).toContain('input "track_mask" must be of type bool, got float32 tensor [5, 8]');
    expect(e.details.input).toBe('track_mask');
  });

  it('names a wrong rank, a wrong fixed size and an inconsistent symbolic size', () => {
    expect(caught(() => checkFeeds('g', specs, { ...good, memory: t('float32', [10, 64]) })).message).toContain(
      '"memory" must have shape [8, S, 64], got [10, 64]',
    );
    expect(caught(() => checkFeeds('g', specs, { ...good, memory: t('float32', [7, 10, 64]) })).message).toContain('got [7, 10, 64]');
    expect(caught(() => checkFeeds('g', specs, { ...good, track_mask: t('bool', [6, 8]) })).message).toContain(
      '"track_mask" must have shape [N=5, 8], got [6, 8]',
    );
  });

  it('rejects a value that is not a tensor', () => {
    expect(caught(() => checkFeeds('g', specs, { ...good, content: new Float32Array(3) })).message).toContain(
      '"content" must be a tensor, got Float32Array(3)',
    );
  });

  it('skips checks for unknown types and shapes', () => {
    expect(() => checkFeeds('g', [{ name: 'x' }, { name: 'y', shape: [null, -1] }], { x: t('int64', [1]), y: t('float32', [2, 3]) })).not.toThrow();
  });
});
