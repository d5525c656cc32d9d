// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';
import { compareExact, loadNpy } from '@taptr/tensor/testing';
import { expect } from 'vitest';
import type { QuerySet } from '../src/index.js';

/** Compares a sampler result with `<prefix>_query_points.npy` etc. in `dir`, exactly. */
export function expectQuerySet(actual: QuerySet, dir: string, prefix: string): void {
  const exact = (a: TensorView, file: string): void => {
    const expected = loadNpy(dir, `${prefix}_${file}.npy`);
    expect(a.type, file).toBe(expected.type);
    expect(a.dims, file).toEqual(expected.dims);
    const report = compareExact(a.data, expected.data);
    expect(report.ok, `${file}: ${report.message}`).toBe(true);
  };
  exact(actual.queryPoints, 'query_points');
  exact(actual.targetPoints, 'target_points');
  exact(actual.occluded, 'occluded');
  if (prefix.endsWith('strided')) exact(actual.trackgroup!, 'trackgroup');
}
