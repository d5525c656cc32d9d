// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { createLegacyRandom } from './mt19937.js';

// Expected values are numpy 1.24 outputs (np.random.seed(s); np.random.randint(...)).
describe('createLegacyRandom (numpy legacy MT19937)', () => {
  it('reproduces the raw MT19937 stream of init_genrand(0)', () => {
    const rng = createLegacyRandom(0);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([2357136044, 2546248239, 3071714933]);
  });

  it('reproduces np.random.randint(0, 12, 8) after np.random.seed(0)', () => {
    const rng = createLegacyRandom(0);
    expect(Array.from({ length: 8 }, () => rng.randint(0, 12))).toEqual([5, 0, 3, 11, 3, 7, 9, 3]);
  });

  it('reproduces np.random.randint(16, 240, 10) after np.random.seed(0)', () => {
    const rng = createLegacyRandom(0);
    expect(Array.from({ length: 10 }, () => rng.randint(16, 240))).toEqual([188, 63, 133, 208, 83, 211, 119, 25, 227, 37]);
  });

  it('reproduces np.random.randint(0, 1000, 5) after np.random.seed(12345) (twist across 624 words later)', () => {
    const rng = createLegacyRandom(12345);
    expect(Array.from({ length: 5 }, () => rng.randint(0, 1000))).toEqual([482, 485, 285, 129, 420]);
  });

  it("stays on numpy's stream past the first 624-word twist", () => {
    const rng = createLegacyRandom(0);
    const draws = Array.from({ length: 700 }, () => rng.randint(0, 2 ** 31));
    expect(draws.slice(-3)).toEqual([1780553760, 1973251187, 747805126]);
  });

  it('rejects bad seeds and ranges', () => {
    expect(() => createLegacyRandom(-1)).toThrow(RangeError);
    expect(() => createLegacyRandom(0).randint(3, 3)).toThrow(/low < high/);
  });
});
