// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { prepareTapvidVideo } from './prepare-video.js';
import { listVideoEntries } from './video-entries.js';

function record(overrides: Record<string, unknown> = {}): Map<string, unknown> {
  return new Map<string, unknown>(
    Object.entries({
      video: tensor('uint8', [3, 4, 8, 3]),
      points: tensor('float32', [2, 3, 2], Float32Array.from([0.5, 0.5, 0.25, 0.5, 0.5, 0.25, 0, 0, 1, 1, 0.5, 0.5])),
      occluded: tensor('bool', [2, 3], Uint8Array.from([0, 0, 0, 1, 0, 0])),
      ...overrides,
    }),
  );
}

describe('prepareTapvidVideo', () => {
  it('scales points to the evaluated size and samples queries', () => {
    const v = prepareTapvidVideo({ name: 'a', record: record() }, 'test.pkl', { resize: 'none', queryMode: 'first' });
    expect(v.video.dims).toEqual([3, 4, 8, 3]);
    expect([...v.points.data.slice(0, 4)]).toEqual([4, 2, 2, 2]);
    expect([...v.queryPoints.data]).toEqual([0, 2, 4, 1, 4, 8]);
    const resized = prepareTapvidVideo({ name: 'a', record: record() }, 'test.pkl', { queryMode: 'strided', scale: 'taptr' });
    expect(resized.video.dims).toEqual([3, 256, 256, 3]);
    expect(resized.points.data[0]).toBe(127.5);
    expect(resized.trackgroup?.dims).toEqual([1, 1]);
  });

  it('names the file, video and key of malformed records', () => {
    const bad =
      (overrides: Record<string, unknown>): (() => unknown) =>
      () =>
        prepareTapvidVideo({ name: 'v1', record: record(overrides) }, 'x.pkl');
    expect(bad({ points: tensor('float32', [2, 4, 2]) })).toThrow(/x\.pkl: video 'v1': 'points' must be float32\/float64 \[N, T=3, 2\]/);
    expect(bad({ occluded: tensor('uint8', [2, 3]) })).toThrow(/'occluded' must be bool \[N=2, T=3\]/);
    expect(bad({ video: tensor('uint8', [3, 4, 8]) })).toThrow(/'video' must be uint8 \[T, H, W, 3\]/);
    const missing = record();
    missing.delete('occluded');
    expect(() => prepareTapvidVideo({ name: 'v1', record: missing }, 'x.pkl')).toThrow(/missing key 'occluded'/);
  });
});

describe('listVideoEntries', () => {
  it('lists dict and list datasets in stored order', () => {
    expect(
      listVideoEntries(
        new Map([
          ['b', new Map()],
          ['a', new Map()],
        ]),
        'f',
      ).map((e) => e.name),
    ).toEqual(['b', 'a']);
    expect(listVideoEntries([new Map(), new Map()], 'f', 'shard/').map((e) => e.name)).toEqual(['shard/0', 'shard/1']);
    expect(() => listVideoEntries(3, 'f')).toThrow(/expected a dict or list of videos/);
    expect(() => listVideoEntries([1], 'f')).toThrow(/video '0' must be a dict/);
  });
});
