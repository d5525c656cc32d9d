// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tapvidMetricsDir } from '@taptr/fixtures';
import { memorySource, numpyGlobals, unpickle, type ByteSource } from '@taptr/pickle';
import { describe, expect, it } from 'vitest';
import { inspectDatasetContent } from './dataset-content.js';

/** Unpickles a fixture with every payload left lazy; counts the bytes read afterwards. */
function lazyRoot(file: string): { root: unknown; readAfter: () => number } {
  const inner = memorySource(new Uint8Array(readFileSync(join(tapvidMetricsDir(), 'datasets', file))));
  let bytes = 0;
  const source: ByteSource = { size: inner.size, read: (offset, length) => ((bytes += length), inner.read(offset, length)) };
  const root = unpickle(source, { globals: numpyGlobals({ lazy: true }), lazyThreshold: 1, chunkSize: 64 });
  const before = bytes;
  return { root, readAfter: () => bytes - before };
}

describe('inspectDatasetContent', () => {
  it('tells the layouts apart from the structure alone, reading no frame payload (2 bytes of the first JPEG)', () => {
    const cases = [
      ['davis_like/tapvid_davis.pkl', ['davis', 'robotap'], 'dict of 2 videos with uint8 frames [12, 64, 80, 3]', 0],
      ['robotap_like/robotap_split1.pkl', ['davis', 'robotap'], 'dict of 1 video with uint8 frames [6, 24, 40, 3]', 0],
      ['rgb_stacking_like/tapvid_rgb_stacking.pkl', ['rgb_stacking'], 'list of 2 videos with uint8 frames [8, 32, 32, 3]', 0],
    ] as const;
    for (const [file, kinds, found, read] of cases) {
      const { root, readAfter } = lazyRoot(file);
      expect(inspectDatasetContent(root), file).toEqual({ kinds, found });
      expect(readAfter(), file).toBe(read);
    }
    const kinetics = lazyRoot('kinetics_like/0000_of_0010.pkl');
    const content = inspectDatasetContent(kinetics.root);
    expect(content.kinds).toEqual(['kinetics']);
    expect(content.found).toMatch(/^list of 2 videos with JPEG frames \(NumPy S\d+ array \[\d+\]\)$/);
    expect(kinetics.readAfter()).toBe(2);
  });

  it('recognises every pickle protocol and NumPy spelling of the variants', () => {
    for (const variant of ['np1_p2', 'np1_p3', 'np1_p4', 'np1_p5', 'np2_p4', 'np2_p5']) {
      expect(inspectDatasetContent(lazyRoot(`pickle_variants/mini_davis_${variant}.pkl`).root).kinds, variant).toEqual(['davis', 'robotap']);
      expect(inspectDatasetContent(lazyRoot(`pickle_variants/mini_kinetics_${variant}.pkl`).root).kinds, variant).toEqual(['kinetics']);
    }
  });

  it('describes what is not a dataset', () => {
    expect(inspectDatasetContent(42)).toEqual({ kinds: [], found: 'top-level int' });
    expect(inspectDatasetContent([])).toEqual({ kinds: [], found: 'top-level empty list' });
    expect(inspectDatasetContent(new Map([['a', null]]))).toEqual({ kinds: [], found: "top-level dict of 1 entry whose first value ('a') is None" });
    const keys = new Map(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    expect(inspectDatasetContent([keys]).found).toBe('top-level list of 1 entry whose first item has keys [k0, k1, k2, k3, k4, k5, k6, k7, ... (10 keys)]');
  });
});
