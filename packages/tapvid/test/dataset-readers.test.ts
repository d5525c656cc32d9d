// SPDX-License-Identifier: Apache-2.0
// readTapvidDataset on the fixture datasets: names and order, frames, points, and the eval256_*
// arrays tapnet's readers feed the metric (exact).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tapvidMetricsDir } from '@taptr/fixtures';
import { TaptrError, type TensorView } from '@taptr/tensor';
import { compareExact, loadNpy } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import type { TapvidVideo } from '../src/index.js';
import { readTapvidDataset, type ReadTapvidOptions } from '../src/node/index.js';
import { expectJpegFramesExact } from './expect-jpeg-frames.js';
import { expectQuerySet } from './expect-query-set.js';

const FIXTURES = tapvidMetricsDir();
const DATASETS = join(FIXTURES, 'datasets');

/** Dataset folders (each with an expected/ folder), read as a folder or as their single pickle. */
const datasets = readdirSync(DATASETS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'pickle_variants' && existsSync(join(DATASETS, d.name, 'expected')))
  .map((d) => {
    const pickles = readdirSync(join(DATASETS, d.name)).filter((f) => f.endsWith('.pkl'));
    return { folder: d.name, path: pickles.length === 1 ? join(DATASETS, d.name, pickles[0]!) : join(DATASETS, d.name) };
  });

/** Expected folder of a video: expected/<name> or expected/<split>/<name>. */
function expectedDir(folder: string, name: string): string {
  const root = join(DATASETS, folder, 'expected');
  if (existsSync(join(root, name, 'points.npy'))) return join(root, name);
  for (const sub of readdirSync(root)) if (existsSync(join(root, sub, name, 'points.npy'))) return join(root, sub, name);
  throw new Error(`no expected arrays for ${folder} ${name}`);
}

/** Expected video names in order: expected/ folders as listed (they mirror stored order). */
function expectedNames(folder: string): string[] {
  const root = join(DATASETS, folder, 'expected');
  const names: string[] = [];
  for (const entry of readdirSync(root).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    if (existsSync(join(root, entry, 'points.npy'))) names.push(entry);
    else
      for (const sub of readdirSync(join(root, entry)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })))
        names.push(folder.startsWith('kinetics') ? `${entry}/${sub}` : sub);
  }
  return names;
}

async function readAll(path: string, options: ReadTapvidOptions): Promise<TapvidVideo[]> {
  const videos: TapvidVideo[] = [];
  for await (const video of readTapvidDataset(path, options)) videos.push(video);
  return videos;
}

function expectExact(actual: TensorView, expected: TensorView, what: string): void {
  expect(actual.type, what).toBe(expected.type);
  expect(actual.dims, what).toEqual(expected.dims);
  const report = compareExact(actual.data, expected.data);
  expect(report.ok, `${what}: ${report.message}`).toBe(true);
}

describe('readTapvidDataset on the fixture datasets', () => {
  for (const { folder, path } of datasets) {
    for (const queryMode of ['first', 'strided'] as const) {
      it(`${folder}: 256x256, '${queryMode}' queries equal tapnet's eval256_${queryMode}_* arrays`, async () => {
        const videos = await readAll(path, { resize: 256, queryMode, scale: 'tapnet' });
        expect(videos.map((v) => v.name)).toEqual(expectedNames(folder));
        for (const video of videos) {
          const dir = expectedDir(folder, video.name);
          expect(video.video.dims.slice(1)).toEqual([256, 256, 3]);
          expectQuerySet(
            {
              queryPoints: video.queryPoints,
              targetPoints: video.targetPoints,
              occluded: video.targetOccluded,
              ...(video.trackgroup ? { trackgroup: video.trackgroup } : {}),
            },
            dir,
            `eval256_${queryMode}`,
          );
        }
      });
    }

    it(`${folder}: stored frames, points and occlusion without resizing`, async () => {
      const videos = await readAll(path, { resize: 'none', queryMode: 'first', scale: 'taptr' });
      for (const video of videos) {
        const dir = expectedDir(folder, video.name);
        const raw = loadNpy(dir, 'points.npy');
        const decoded = existsSync(join(dir, 'video_decoded.npy'));
        const frames = loadNpy(dir, decoded ? 'video_decoded.npy' : 'video.npy');
        if (decoded) expectJpegFramesExact(video.video, frames, `${folder} ${video.name}`);
        else expectExact(video.video, frames, `${folder} ${video.name} video`);
        const [, H, W] = frames.dims as [number, number, number, number];
        expect(video.originalSize).toEqual({ width: W, height: H });
        // TAPTR / CoTracker scale: x (W - 1), y (H - 1).
        const src = raw.data as Float32Array | Float64Array;
        const expected = Float64Array.from(src, (v, i) => v * (i % 2 === 0 ? W - 1 : H - 1));
        expect(compareExact(video.points.data, expected).ok).toBe(true);
        expectExact(video.occluded, loadNpy(dir, 'occluded.npy'), `${folder} ${video.name} occluded`);
      }
    });
  }

  it('gives the same videos through 7-byte chunks (payloads left in the file until read)', async () => {
    for (const { path } of datasets) {
      const reference = await readAll(path, { resize: 'none', queryMode: 'strided' });
      const chunked = await readAll(path, { resize: 'none', queryMode: 'strided', chunkSize: 7 });
      expect(chunked.map((v) => v.name)).toEqual(reference.map((v) => v.name));
      chunked.forEach((video, i) => {
        const ref = reference[i]!;
        for (const key of ['video', 'points', 'occluded', 'queryPoints', 'targetPoints', 'targetOccluded', 'trackgroup'] as const) {
          expect(
            Buffer.compare(Buffer.from((video[key]!.data as Uint8Array).buffer), Buffer.from((ref[key]!.data as Uint8Array).buffer)),
            `${path} ${video.name} ${key}`,
          ).toBe(0);
        }
      });
    }
  });

  it('reads one video at a time and closes the files when iteration stops early', async () => {
    const path = datasets.find((d) => d.folder.startsWith('davis'))!.path;
    for await (const video of readTapvidDataset(path, { resize: 'none' })) {
      expect(video.name).toBe(expectedNames('davis_like')[0]);
      break;
    }
  });

  it('rejects unknown kinds, missing paths and bad options with clear errors', async () => {
    await expect(readAll(join(DATASETS, 'missing.pkl'), {})).rejects.toMatchObject({ code: 'TAPTR_IO' });
    await expect(readAll(join(FIXTURES, 'manifest.json'), {})).rejects.toThrow(/cannot recognise a TAP-Vid dataset in .*manifest.json.: not a pickle/);
    await expect(readAll(join(FIXTURES, 'manifest.json'), { kind: 'davis' })).rejects.toBeInstanceOf(TaptrError);
    await expect(readAll(DATASETS, { kind: 'bogus' as never })).rejects.toThrow(RangeError);
    await expect(readAll(datasets[0]!.path, { resize: 128 as never })).rejects.toThrow(/options\.resize must be 256 or 'none'/);
  });
});
