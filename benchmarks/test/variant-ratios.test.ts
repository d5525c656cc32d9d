// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { variantRatios } from '../src/variant-ratios.js';
import { int8At320Case, releasedCase } from './sample-report.js';

describe('variantRatios', () => {
  it('divides the fp32 times by the variant times of the same backend and configuration', () => {
    expect(variantRatios([releasedCase, int8At320Case])).toEqual([
      {
        backend: 'cpu',
        config: 'released',
        variant: 'int8@320',
        resolution: 320,
        baselineResolution: 512,
        sizeRatio: 0.96,
        encoderMs: 600,
        encoderSpeedup: 2,
        encoderSpeedupFloorNormalized: 2,
        // N = 800 was not run by the variant: no ratio.
        endToEnd: [{ points: 16, msPerFrame: 1000, speedup: 1.5 }],
        // Only the tracker's path (the project-first comparison row is left out).
        decoder: [{ points: 16, msPerWindow: 320, speedup: 1.25 }],
      },
    ]);
  });

  it('divides each encoder time by its own MatMul floor time in the floor-normalized speed-up', () => {
    // The variant's process ran under twice the load: its floor took twice as long, and so did its encoder.
    const loaded = {
      ...int8At320Case,
      encoder: { ...int8At320Case.encoder, msPerFrame: { median: 1200, min: 1200, max: 1200, n: 3 } },
      floor: { ...releasedCase.floor, ms: { median: 285.2, min: 285.2, max: 285.2, n: 5 }, gflops: 80 },
    };
    const [r] = variantRatios([releasedCase, loaded]);
    expect(r!.encoderSpeedup).toBe(1);
    expect(r!.encoderSpeedupFloorNormalized).toBe(2);
  });

  it('gives nothing without variants, and leaves out a variant without a baseline of its backend and configuration', () => {
    expect(variantRatios([releasedCase])).toEqual([]);
    expect(variantRatios([int8At320Case])).toEqual([]);
    expect(variantRatios([{ ...releasedCase, backend: 'wasm' }, int8At320Case])).toEqual([]);
    expect(variantRatios([{ ...releasedCase, config: 'reference' }, int8At320Case])).toEqual([]);
  });
});
