// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';

describe('seededRandom', () => {
  it('is mulberry32: the reference sequence for seed 1, uniform in [0, 1)', () => {
    const rand = seededRandom(1);
    // First outputs of mulberry32's C definition for state 1, computed independently with Python's integers:
    // z = (s += 0x6D2B79F5); z = (z ^ z >> 15) * (z | 1); z ^= z + (z ^ z >> 7) * (z | 61); z ^ z >> 14 (mod 2^32).
    expect([rand(), rand(), rand()].map((v) => Math.round(v * 4294967296))).toEqual([2693262067, 11749833, 2265367787]);
    const more = Array.from({ length: 10000 }, seededRandom(7));
    expect(Math.min(...more)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...more)).toBeLessThan(1);
    expect(Math.abs(more.reduce((a, b) => a + b, 0) / more.length - 0.5)).toBeLessThan(0.01);
  });
});
