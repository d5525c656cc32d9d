// SPDX-License-Identifier: Apache-2.0
// indexTapvidDataset + readTapvidVideoAt (one video per job in a distributed run) give exactly
// what readTapvidDataset yields, in its order, on every fixture dataset.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tapvidMetricsDir } from '@taptr/fixtures';
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import type { TapvidVideo } from '../src/index.js';
import { indexTapvidDataset, readTapvidDataset, readTapvidVideoAt } from '../src/node/index.js';

const FIXTURES = tapvidMetricsDir();
const DATASETS = join(FIXTURES, 'datasets');
const folders = readdirSync(DATASETS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'pickle_variants')
  .map((d) => join(DATASETS, d.name));

describe('indexTapvidDataset / readTapvidVideoAt', () => {
  it.each(folders.map((f) => [basename(f), f]))('%s: same names, order and arrays as readTapvidDataset', async (_name, folder) => {
    const options = { resize: 256, queryMode: 'strided', scale: 'taptr' } as const;
    const streamed: TapvidVideo[] = [];
    for await (const v of readTapvidDataset(folder, options)) streamed.push(v);
    const index = indexTapvidDataset(folder);
    expect(index.videos.map((v) => v.name)).toEqual(streamed.map((v) => v.name));
    index.videos.forEach((location, i) => {
      const video = readTapvidVideoAt(location.file, location.position, { ...options, kind: index.kind, name: location.name });
      const expected = streamed[i]!;
      expect(video.name).toBe(expected.name);
      for (const key of ['video', 'points', 'occluded', 'queryPoints', 'targetPoints', 'targetOccluded'] as const) {
        expect(video[key].dims, `${location.name} ${key}`).toEqual(expected[key].dims);
        expect(
          Buffer.from(video[key].data.buffer, video[key].data.byteOffset, video[key].data.byteLength).equals(
            Buffer.from(expected[key].data.buffer, expected[key].data.byteOffset, expected[key].data.byteLength),
          ),
          `${location.name} ${key}`,
        ).toBe(true);
      }
    });
  });

  it('refuses a position past the file and a name that is not the one stored there', () => {
    const folder = folders.find((f) => f.endsWith('davis_like'))!;
    const index = indexTapvidDataset(folder);
    const first = index.videos[0]!;
    const fail = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        expect(isTaptrError(error, 'TAPTR_DATASET_FORMAT')).toBe(true);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(fail(() => readTapvidVideoAt(first.file, 99, { kind: index.kind }))).toMatch(/holds \d+ videos, no video at position 99$/);
    expect(fail(() => readTapvidVideoAt(first.file, first.position, { kind: index.kind, name: 'someone-else' }))).toBe(
      `'${first.file}': the video at position ${first.position} is '${first.name}', not 'someone-else'`,
    );
  });
});
