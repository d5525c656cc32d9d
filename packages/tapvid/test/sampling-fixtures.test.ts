// SPDX-License-Identifier: Apache-2.0
// tapnet's query samplers on the fixture sampling cases (exact).
import { join } from 'node:path';
import { readTapvidManifest, tapvidMetricsDir } from '@taptr/fixtures';
import type { TensorView } from '@taptr/tensor';
import { loadJson, loadNpy } from '@taptr/tensor/testing';
import { describe, it } from 'vitest';
import { sampleQueriesFirst, sampleQueriesStrided, scalePoints } from '../src/index.js';
import { expectQuerySet } from './expect-query-set.js';

const FIXTURES = tapvidMetricsDir();
const manifest = readTapvidManifest(FIXTURES);

describe('query samplers on the fixture sampling cases', () => {
  for (const video of manifest.sampling) {
    const dir = join(FIXTURES, 'sampling', video);
    const meta = loadJson<{ width: number; height: number }>(dir, 'expected.json');
    const points = (): TensorView => scalePoints(loadNpy(dir, 'raw_points.npy'), meta.width, meta.height, 'tapnet');
    it(`${video}: sampleQueriesFirst`, () => {
      expectQuerySet(sampleQueriesFirst(loadNpy(dir, 'raw_occluded.npy'), points()), dir, 'first');
    });
    it(`${video}: sampleQueriesStrided (stride 5)`, () => {
      expectQuerySet(sampleQueriesStrided(loadNpy(dir, 'raw_occluded.npy'), points()), dir, 'strided');
    });
  }
});
