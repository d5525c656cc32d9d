// SPDX-License-Identifier: Apache-2.0
import { RELEASED_CONFIG } from '@taptr/model';
import { describe, expect, it } from 'vitest';
import { frameEncoderMacs } from '../src/encoder-flops.js';

describe('frameEncoderMacs', () => {
  it('matches spec §14.2 at the released configuration (512 x 512)', () => {
    const m = frameEncoderMacs(RELEASED_CONFIG);
    expect(m.backbone / 1e9).toBeCloseTo(21.35, 0); // measured with hooks: 21.35 GMAC
    expect(Math.abs(m.backbone / 21.35e9 - 1)).toBeLessThan(0.01);
    expect(m.inputProj / 1e9).toBeCloseTo(2.01, 2);
    expect(Math.abs(m.encoder / 56.5e9 - 1)).toBeLessThan(0.005);
    expect(Math.abs((2 * m.total) / 160e9 - 1)).toBeLessThan(0.01); // ≈ 160 GFLOP per frame
  });

  it('scales with the resolution and the backbone width', () => {
    const half = frameEncoderMacs({ ...RELEASED_CONFIG, resolution: 256 });
    expect(half.total / frameEncoderMacs(RELEASED_CONFIG).total).toBeCloseTo(0.25, 2);
    const narrow = frameEncoderMacs({ ...RELEASED_CONFIG, backboneWidth: 8 });
    // Every conv is quadratic in the width except the stem (3 -> w): 616 MMAC at width 64.
    const stem = 7 * 7 * 3 * 64 * 256 * 256;
    const full = frameEncoderMacs(RELEASED_CONFIG).backbone;
    expect(narrow.backbone).toBeCloseTo(stem / 8 + (full - stem) / 64, -3);
  });
});
