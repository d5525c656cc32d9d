// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { detectDatasetKind } from './dataset-kind.js';

describe('detectDatasetKind', () => {
  it('recognizes the TAP-Vid file names', () => {
    expect(detectDatasetKind('/data/tapvid_davis/tapvid_davis.pkl')).toBe('davis');
    expect(detectDatasetKind('tapvid_rgb_stacking.pkl')).toBe('rgb_stacking');
    expect(detectDatasetKind('robotap/robotap_split3.pkl')).toBe('robotap');
    expect(detectDatasetKind('0007_of_0010.pkl')).toBe('kinetics');
    expect(detectDatasetKind('mini_kinetics_np1_p4.pkl')).toBe('kinetics');
    expect(detectDatasetKind('other.pkl')).toBeUndefined();
  });
});
