// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { sampleQueriesFirst } from './sample-queries-first.js';
import { sampleQueriesStrided } from './sample-queries-strided.js';
import { scalePoints } from './scale-points.js';

// 3 tracks, 4 frames; track 0 never visible, track 1 visible from frame 2, track 2 always.
const occluded = tensor('bool', [3, 4], Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]));
const points = tensor(
  'float64',
  [3, 4, 2],
  Float64Array.from({ length: 24 }, (_, i) => i),
);

describe('query samplers', () => {
  it('sampleQueriesFirst queries each track at its first visible frame', () => {
    const q = sampleQueriesFirst(occluded, points);
    expect(q.queryPoints.dims).toEqual([1, 2, 3]);
    // track 1 at t=2: (x, y) = points[1, 2] = (12, 13) -> (t, y, x) = (2, 13, 12)
    expect([...q.queryPoints.data]).toEqual([2, 13, 12, 0, 17, 16]);
    expect([...q.targetPoints.data]).toEqual([...points.data.slice(8)]);
    expect([...q.occluded.data]).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('sampleQueriesStrided loops over query frames, then tracks', () => {
    const q = sampleQueriesStrided(occluded, points, { stride: 2 });
    // frame 0: track 2; frame 2: tracks 1, 2
    expect([...q.trackgroup!.data]).toEqual([2n, 1n, 2n]);
    expect([...q.queryPoints.data]).toEqual([0, 17, 16, 2, 13, 12, 2, 21, 20]);
    expect(sampleQueriesStrided(occluded, points).queryPoints.dims).toEqual([1, 1, 3]);
    expect(() => sampleQueriesStrided(occluded, points, { stride: 0 })).toThrow(RangeError);
  });

  it('checks shapes', () => {
    expect(() => sampleQueriesFirst(occluded, tensor('float64', [3, 5, 2]))).toThrow(/points must be of shape \[N=3, T=4, 2\], got \[3, 5, 2\]/);
  });

  it('scales normalized points by W, H (tapnet) or W - 1, H - 1 (taptr)', () => {
    const p = tensor('float32', [1, 2], Float32Array.from([0.5, 0.25]));
    expect([...scalePoints(p, 256, 128, 'tapnet').data]).toEqual([128, 32]);
    expect([...scalePoints(p, 256, 128, 'taptr').data]).toEqual([127.5, 31.75]);
    expect(() => scalePoints(p, 256, 128, 'cotracker' as never)).toThrow(RangeError);
  });
});
