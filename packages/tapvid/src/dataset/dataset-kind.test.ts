// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { datasetKindFromName } from './dataset-kind.js';

describe('datasetKindFromName', () => {
  it('recognizes the TAP-Vid file names', () => {
    expect(datasetKindFromName('/data/tapvid_davis/tapvid_davis.pkl')).toBe('davis');
    expect(datasetKindFromName('tapvid_rgb_stacking.pkl')).toBe('rgb_stacking');
    expect(datasetKindFromName('robotap/robotap_split3.pkl')).toBe('robotap');
    expect(datasetKindFromName('0007_of_0010.pkl')).toBe('kinetics');
    expect(datasetKindFromName('mini_kinetics_np1_p4.pkl')).toBe('kinetics');
    expect(datasetKindFromName('other.pkl')).toBeUndefined();
  });
});
