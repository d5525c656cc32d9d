// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { computeTapvidMetrics } from '../metrics/compute-tapvid-metrics.js';
import { predictStationary } from './predict-stationary.js';

describe('predictStationary', () => {
  it('keeps every point at its query (x, y), always visible', () => {
    const queries = tensor('float64', [1, 2, 3], Float64Array.from([0, 5, 7, 2, 1, 3]));
    const { predTracks, predOccluded } = predictStationary(queries, 3);
    expect(predTracks.dims).toEqual([1, 2, 3, 2]);
    expect([...predTracks.data]).toEqual([7, 5, 7, 5, 7, 5, 3, 1, 3, 1, 3, 1]);
    expect([...predOccluded.data]).toEqual([0, 0, 0, 0, 0, 0]);
    // A static scene scores perfectly.
    const gtTracks = tensor('float64', [1, 2, 3, 2], predTracks.data.slice());
    const m = computeTapvidMetrics({ queryPoints: queries, gtOccluded: tensor('bool', [1, 2, 3]), gtTracks, predOccluded, predTracks, queryMode: 'strided' });
    expect(m.averageJaccard[0]).toBe(1);
  });

  it('validates its arguments', () => {
    expect(() => predictStationary(tensor('float64', [2, 3]), 3)).toThrow(RangeError);
    expect(() => predictStationary(tensor('float64', [1, 1, 3]), 0)).toThrow(/numFrames must be a positive integer/);
  });
});
