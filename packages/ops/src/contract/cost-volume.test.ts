// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { levelTokens } from './cost-volume.js';

describe('levelTokens', () => {
  it('sums h·w over the levels (21760 tokens for the released 128/64/32/16 levels)', () => {
    expect(levelTokens([128, 64, 32, 16].map((s) => ({ h: s, w: s })))).toBe(21760);
    expect(
      levelTokens([
        { h: 4, w: 5 },
        { h: 2, w: 3 },
      ]),
    ).toBe(26);
    expect(levelTokens([])).toBe(0);
  });
});
