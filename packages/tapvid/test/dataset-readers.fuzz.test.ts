// SPDX-License-Identifier: Apache-2.0
// Seeded mutations of each TAP-Vid fixture dataset, read whole (frames included) through the public
// readTapvidDataset: every case must end in a typed error (TaptrError / own-format RangeError or
// TypeError), or videos that are structurally valid. TAP-Vid pickles carry no checksum, so changed
// values are accepted when the file stays well-formed; shapes and dtypes must still agree.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tapvidMetricsDir } from '@taptr/fixtures';
import { shapeSize, type TensorView } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { TapvidVideo } from '../src/index.js';
import { readTapvidDataset } from '../src/node/index.js';
import { jpegHeaderRanges, pickleStructureRanges } from './fuzz-support.js';

const FIXTURES = tapvidMetricsDir();
const DATASETS = join(FIXTURES, 'datasets');
// Every case is written to a file (the public reader reads paths): in memory where /dev/shm exists.
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'tapvid-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads every video of the dataset (engine errors wrapped in typed ones count as crashes: classifyFuzzError). */
async function readAll(path: string, queryMode: 'first' | 'strided'): Promise<TapvidVideo[]> {
  const videos: TapvidVideo[] = [];
  for await (const video of readTapvidDataset(path, { resize: 'none', queryMode, chunkSize: 4096 })) videos.push(video);
  return videos;
}

function expectTensor(t: TensorView | undefined, type: string, dims: readonly number[], what: string): void {
  if (t === undefined) throw new Error(`${what} missing`);
  if (t.type !== type) throw new Error(`${what} is ${t.type}, expected ${type}`);
  if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i]! || !Number.isSafeInteger(d) || d < 0))
    throw new Error(`${what} is [${t.dims.join(', ')}], expected [${dims.join(', ')}]`);
  if (t.data.length !== shapeSize(t.dims)) throw new Error(`${what} [${t.dims.join(', ')}] holds ${t.data.length} elements`);
  if (type === 'bool' && (t.data as Uint8Array).some((v) => v > 1)) throw new Error(`${what} holds a bool other than 0/1`);
}

/** An accepted dataset must be structurally valid: every array consistent with the video's T, H, W, N, Q. */
function checkVideos(videos: readonly TapvidVideo[]): void {
  for (const v of videos) {
    if (typeof v.name !== 'string') throw new Error('video name is not a string');
    const [T, H, W] = v.video.dims as [number, number, number];
    expectTensor(v.video, 'uint8', [T, H, W, 3], `${v.name} video`);
    const N = v.points.dims[0]!;
    expectTensor(v.points, 'float64', [N, T, 2], `${v.name} points`);
    expectTensor(v.occluded, 'bool', [N, T], `${v.name} occluded`);
    const Q = v.queryPoints.dims[1]!;
    expectTensor(v.queryPoints, 'float64', [1, Q, 3], `${v.name} queryPoints`);
    expectTensor(v.targetPoints, 'float64', [1, Q, T, 2], `${v.name} targetPoints`);
    expectTensor(v.targetOccluded, 'bool', [1, Q, T], `${v.name} targetOccluded`);
    if (v.trackgroup !== undefined) expectTensor(v.trackgroup, 'int64', [1, Q], `${v.name} trackgroup`);
    if (v.originalSize.width !== W || v.originalSize.height !== H) throw new Error(`${v.name} originalSize ${JSON.stringify(v.originalSize)} is not ${W}x${H}`);
  }
}

/** One reader per fixture: the fuzzed pickle, and the intact files it is read with (a folder). */
const READERS = [
  { name: 'davis', file: 'davis_like/tapvid_davis.pkl', siblings: [], seed: 11 },
  { name: 'rgb_stacking', file: 'rgb_stacking_like/tapvid_rgb_stacking.pkl', siblings: [], seed: 12 },
  { name: 'robotap', file: 'robotap_like/robotap_split0.pkl', siblings: ['robotap_like/robotap_split1.pkl'], seed: 13 },
  { name: 'kinetics', file: 'kinetics_like/0000_of_0010.pkl', siblings: [], seed: 14 },
] as const;

describe('TAP-Vid dataset readers: fuzzed pickles', () => {
  for (const { name, file, siblings, seed } of READERS) {
    it(`${name}: every mutation is a typed error or structurally valid videos`, async () => {
      const input = new Uint8Array(readFileSync(join(DATASETS, file)));
      const folder = join(dir, name);
      mkdirSync(folder);
      siblings.forEach((sibling, i) => copyFileSync(join(DATASETS, sibling), join(folder, `z${i}.pkl`)));
      // Read as a file (one pickle) or as a folder (RoboTAP splits, Kinetics shards).
      const target = join(folder, 'data.pkl');
      const path = siblings.length > 0 ? folder : target;
      writeFileSync(target, input);
      const reference = await readAll(path, 'first');
      checkVideos(reference);
      expect(reference.length).toBeGreaterThan(0);
      const hotRanges = [...pickleStructureRanges(input), ...jpegHeaderRanges(input)];
      const report = await fuzzBytes({
        input,
        seed,
        minCases: 1000,
        budgetMs: 3000,
        hotRanges,
        read: (bytes, fuzzCase) => {
          writeFileSync(target, bytes);
          return readAll(path, fuzzCase.index % 2 === 0 ? 'first' : 'strided');
        },
        onAccept: checkVideos,
      });
      expect(report.failures, report.summary).toEqual([]);
      expect(report.cases, report.summary).toBeGreaterThanOrEqual(1000);
      expect(report.rejected['TAPTR_PICKLE_FORMAT'], report.summary).toBeGreaterThan(0);
    }, 120_000);
  }
});
