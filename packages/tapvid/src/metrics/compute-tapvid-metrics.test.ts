// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { aggregateMetrics } from './aggregate-metrics.js';
import { computeTapvidMetrics, type TapvidMetricsInput } from './compute-tapvid-metrics.js';
import { roundHalfToEven } from './round-half-to-even.js';
import { toTapnetKeys } from './metric-names.js';

// One video, one track, T = 4, query at t = 0. GT at (10, 10), visible on every frame.
// Predictions: t1 exact (visible), t2 3 px off in x (visible), t3 predicted occluded.
function tiny(overrides: Partial<TapvidMetricsInput> = {}): TapvidMetricsInput {
  return {
    queryPoints: tensor('float64', [1, 1, 3], Float64Array.from([0, 10, 10])),
    gtOccluded: tensor('bool', [1, 1, 4]),
    gtTracks: tensor('float64', [1, 1, 4, 2], Float64Array.from([10, 10, 10, 10, 10, 10, 10, 10])),
    predOccluded: tensor('bool', [1, 1, 4], Uint8Array.from([0, 0, 0, 1])),
    predTracks: tensor('float32', [1, 1, 4, 2], Float32Array.from([10, 10, 10, 10, 13, 10, 10, 10])),
    queryMode: 'first',
    ...overrides,
  };
}

describe('computeTapvidMetrics', () => {
  it('matches a hand-computed example', () => {
    const m = computeTapvidMetrics(tiny());
    // evaluated frames 1..3: OA = 2/3 (frame 3 GT visible, predicted occluded).
    expect(m.dims).toEqual([1]);
    expect(m.occlusionAccuracy[0]).toBe(2 / 3);
    // positions within: frame 1 (d=0) all; frame 2 (d=3) within 4, 8, 16; frame 3 (d=0) all.
    expect([m.ptsWithin1[0], m.ptsWithin2[0], m.ptsWithin4[0], m.ptsWithin8[0], m.ptsWithin16[0]]).toEqual([2 / 3, 2 / 3, 1, 1, 1]);
    // jaccard_1: TP = 1 (frame 1), FP = 1 (frame 2 too far), GT positives = 3 -> 1/4; jaccard_4: TP 2, FP 0 -> 2/3.
    expect([m.jaccard1[0], m.jaccard2[0], m.jaccard4[0], m.jaccard8[0], m.jaccard16[0]]).toEqual([1 / 4, 1 / 4, 2 / 3, 2 / 3, 2 / 3]);
    expect(m.averageJaccard[0]).toBe((1 / 4 + 1 / 4 + 2 / 3 + 2 / 3 + 2 / 3) / 5);
    expect(toTapnetKeys(m).average_pts_within_thresh![0]).toBe((2 / 3 + 2 / 3 + 1 + 1 + 1) / 5);
  });

  it('strided mode also scores frames before the query', () => {
    const m = computeTapvidMetrics(tiny({ queryPoints: tensor('float64', [1, 1, 3], Float64Array.from([3, 10, 10])), queryMode: 'strided' }));
    // evaluated frames 0..2, all predicted visible, GT visible: OA 1; frame 2 is 3 px off.
    expect(m.occlusionAccuracy[0]).toBe(1);
    expect(m.ptsWithin2[0]).toBe(2 / 3);
  });

  it('computes distances in float32 only when both track tensors are float32 (NumPy promotion)', () => {
    // dx^2 + dy^2 = 255.99999887 in float64 (within 16 px) but rounds to 256 in float32 (not within).
    const pred = Float32Array.from([0, 0, 4.958199501037598, 15.212371826171875]);
    const base = {
      queryPoints: tensor('float64', [1, 1, 3], Float64Array.from([0, 0, 0])),
      gtOccluded: tensor('bool', [1, 1, 2]),
      predOccluded: tensor('bool', [1, 1, 2]),
      predTracks: tensor('float32', [1, 1, 2, 2], pred),
      queryMode: 'first' as const,
    };
    expect(computeTapvidMetrics({ ...base, gtTracks: tensor('float64', [1, 1, 2, 2]) }).ptsWithin16[0]).toBe(1);
    expect(computeTapvidMetrics({ ...base, gtTracks: tensor('float32', [1, 1, 2, 2]) }).ptsWithin16[0]).toBe(0);
  });

  it('gives per-track metrics with trackwise', () => {
    const m = computeTapvidMetrics(tiny({ trackwise: true }));
    expect(m.dims).toEqual([1, 1]);
    expect(m.occlusionAccuracy[0]).toBe(2 / 3);
  });

  it('rounds the query frame half to even like np.round', () => {
    expect([0.5, 1.5, 2.5, 3.5, 4.5, 2.4999, 2.5001, -1.5].map(roundHalfToEven)).toEqual([0, 2, 2, 4, 4, 2, 3, -2]);
    expect(roundHalfToEven(-0.5) === 0).toBe(true);
  });

  it('names the argument, the expected and the actual shape on bad input', () => {
    expect(() => computeTapvidMetrics(tiny({ gtTracks: tensor('float64', [1, 1, 5, 2]) }))).toThrow(
      /computeTapvidMetrics: gtTracks must be of shape \[B=1, N=1, T=4, 2\], got \[1, 1, 5, 2\]/,
    );
    expect(() => computeTapvidMetrics(tiny({ queryPoints: tensor('float64', [1, 1, 2]) }))).toThrow(RangeError);
    expect(() => computeTapvidMetrics(tiny({ predOccluded: tensor('float32', [1, 1, 4]) }))).toThrow(TypeError);
    expect(() => computeTapvidMetrics(tiny({ predTracks: [1, 2] as never }))).toThrow(/predTracks must be a tensor/);
    expect(() => computeTapvidMetrics(tiny({ queryMode: 'all' as never }))).toThrow(/queryMode must be 'first' or 'strided', got "all"/);
    expect(() => computeTapvidMetrics(tiny({ queryPoints: tensor('float64', [1, 1, 3], Float64Array.from([4, 0, 0])) }))).toThrow(
      /queryPoints\[0, 0, 0\] must be a frame index that rounds into \[0, 4\), got 4/,
    );
    expect(() => computeTapvidMetrics(tiny({ queryPoints: tensor('float64', [1, 1, 3], Float64Array.from([-0.6, 0, 0])) }))).toThrow(RangeError);
  });
});

describe('aggregateMetrics', () => {
  it('is the plain mean over videos and propagates NaN', () => {
    const a = computeTapvidMetrics(tiny());
    const noEval = computeTapvidMetrics(tiny({ queryPoints: tensor('float64', [1, 1, 3], Float64Array.from([3, 0, 0])) }));
    expect(noEval.averageJaccard[0]).toBeNaN();
    expect(aggregateMetrics([a, a]).occlusionAccuracy).toBe((2 / 3 + 2 / 3) / 2);
    expect(aggregateMetrics([a, noEval]).occlusionAccuracy).toBeNaN();
    expect(() => aggregateMetrics([])).toThrow(RangeError);
    expect(() => aggregateMetrics([computeTapvidMetrics(tiny({ trackwise: true }))])).toThrow(/per-video metrics of shape \[B\]/);
  });
});
