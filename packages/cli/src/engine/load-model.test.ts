// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { describeModelVariant } from './load-model.js';

describe('describeModelVariant', () => {
  it('names the precision and resolution of a model description', () => {
    expect(describeModelVariant({ format: 'taptr-js-model', precision: 'int8', resolution: 320 })).toBe('int8 @ 320');
    expect(describeModelVariant({ format: 'checkpoint', precision: 'fp32', resolution: 512 })).toBe('fp32 @ 512');
  });

  it('reads a description without precision as fp32 and gives nothing for baselines', () => {
    expect(describeModelVariant({ resolution: 128 })).toBe('fp32 @ 128');
    expect(describeModelVariant({ name: 'stationary' })).toBeUndefined();
  });
});
