// SPDX-License-Identifier: Apache-2.0
// Datasets recognised by content: the fixture pickles copied under neutral names, non-datasets
// refused with a description of what they hold, forced kinds checked against the content, and
// truncated / corrupt files refused with typed errors naming the file and the video.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tapvidMetricsDir } from '@taptr/fixtures';
import { TaptrError } from '@taptr/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import type { TapvidVideo } from '../src/index.js';
import { inspectTapvidDataset, listDatasetFiles, readTapvidDataset, type ReadTapvidOptions } from '../src/node/index.js';
import { tinyPickle } from './tiny-pickle.js';

const FIXTURES = tapvidMetricsDir();
const DATASETS = join(FIXTURES, 'datasets');
const SRC = {
  davis: join(DATASETS, 'davis_like', 'tapvid_davis.pkl'),
  rgb: join(DATASETS, 'rgb_stacking_like', 'tapvid_rgb_stacking.pkl'),
  robotap0: join(DATASETS, 'robotap_like', 'robotap_split0.pkl'),
  robotap1: join(DATASETS, 'robotap_like', 'robotap_split1.pkl'),
  kinetics0: join(DATASETS, 'kinetics_like', '0000_of_0010.pkl'),
  kinetics1: join(DATASETS, 'kinetics_like', '0001_of_0010.pkl'),
};

const dir = mkdtempSync(join(tmpdir(), 'tapvid-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'data.json'), '{"videos": []}');

/** Copies fixture files into a fresh folder under neutral names; returns the folder. */
function folder(name: string, files: Record<string, string>): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const [to, from] of Object.entries(files)) copyFileSync(from, join(path, to));
  return path;
}

async function readAll(path: string, options: ReadTapvidOptions = {}): Promise<TapvidVideo[]> {
  const videos: TapvidVideo[] = [];
  for await (const video of readTapvidDataset(path, { resize: 'none', ...options })) videos.push(video);
  return videos;
}

async function names(path: string, options: ReadTapvidOptions = {}): Promise<string[]> {
  return (await readAll(path, options)).map((v) => v.name);
}

async function rejection(promise: Promise<unknown>): Promise<TaptrError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaptrError);
  return error as TaptrError;
}

describe('TAP-Vid datasets recognised by content, whatever they are called', () => {
  const plain = folder('plain', {
    'my_data.pkl': SRC.davis,
    'stuff.pkl': SRC.rgb,
    'clip.pkl': SRC.kinetics0,
    'split.pkl': SRC.robotap0,
    'x_robotap.pkl': SRC.robotap0,
  });

  it('a DAVIS pickle named my_data.pkl is davis (dict of uint8-frame videos)', async () => {
    const inspection = inspectTapvidDataset(join(plain, 'my_data.pkl'));
    expect(inspection).toEqual({
      kind: 'davis',
      files: [join(plain, 'my_data.pkl')],
      found: 'dict of 2 videos with uint8 frames [12, 64, 80, 3]',
      pickle: true,
    });
    expect(await names(join(plain, 'my_data.pkl'))).toEqual(await names(SRC.davis));
  });

  it('an RGB-Stacking pickle named stuff.pkl is rgb_stacking (list of uint8-frame videos)', async () => {
    expect(inspectTapvidDataset(join(plain, 'stuff.pkl'))).toMatchObject({ kind: 'rgb_stacking', found: 'list of 2 videos with uint8 frames [8, 32, 32, 3]' });
    expect(await names(join(plain, 'stuff.pkl'))).toEqual(['0', '1']);
  });

  it('a Kinetics shard named clip.pkl is kinetics (JPEG-bytes frames), and a folder of renamed shards too', async () => {
    const shard = inspectTapvidDataset(join(plain, 'clip.pkl'));
    expect(shard.kind).toBe('kinetics');
    expect(shard.found).toMatch(/^list of \d+ videos? with JPEG frames \((NumPy S\d+ array \[\d+\]|array of \d+ bytes items)\)$/);
    const shards = folder('shards', { 'part-10.pkl': SRC.kinetics1, 'part-9.pkl': SRC.kinetics0 });
    expect(listDatasetFiles(shards)).toEqual({ kind: 'kinetics', files: [join(shards, 'part-9.pkl'), join(shards, 'part-10.pkl')] });
    const expected = [...(await names(SRC.kinetics0)), ...(await names(SRC.kinetics1))].map((n) =>
      n.replace('0000_of_0010/', 'part-9/').replace('0001_of_0010/', 'part-10/'),
    );
    const videos = await readAll(shards);
    expect(videos.map((v) => v.name)).toEqual(expected);
    const reference = await readAll(join(DATASETS, 'kinetics_like'));
    videos.forEach((v, i) => expect(Buffer.from(v.video.data).equals(Buffer.from(reference[i]!.video.data)), v.name).toBe(true));
  });

  it('a folder of several renamed dict pickles is robotap (splits merged); one alone is davis unless its name says robotap', async () => {
    const splits = folder('splits', { 'a.pkl': SRC.robotap0, 'b.pkl': SRC.robotap1 });
    expect(listDatasetFiles(splits).kind).toBe('robotap');
    expect(await names(splits)).toEqual(await names(join(DATASETS, 'robotap_like')));
    // DAVIS and RoboTAP pickles hold the same structure: the name is only a tie-break, both read alike.
    expect(listDatasetFiles(join(plain, 'split.pkl')).kind).toBe('davis');
    expect(listDatasetFiles(join(plain, 'x_robotap.pkl')).kind).toBe('robotap');
    expect(await names(join(plain, 'split.pkl'))).toEqual(await names(join(plain, 'x_robotap.pkl')));
  });

  it('a folder holding one renamed DAVIS pickle is davis', () => {
    expect(listDatasetFiles(folder('one', { 'data.pkl': SRC.davis })).kind).toBe('davis');
  });
});

describe('what is not a TAP-Vid dataset is refused with what was found', () => {
  it('a pickle of a dict whose first value has other keys', async () => {
    const path = join(dir, 'other.pkl');
    writeFileSync(
      path,
      tinyPickle(
        new Map<string, unknown>([
          [
            'v0',
            new Map<string, unknown>([
              ['a', 1],
              ['b', 'x'],
            ]),
          ],
          ['v1', 2],
          ['v2', 3],
        ]),
      ),
    );
    expect(inspectTapvidDataset(path)).toEqual({
      kind: undefined,
      files: [path],
      found: "top-level dict of 3 entries whose first value ('v0') has keys [a, b]",
      pickle: true,
    });
    const error = await rejection(readAll(path));
    expect(error.code).toBe('TAPTR_DATASET_FORMAT');
    expect(error.message).toBe(
      `cannot recognise a TAP-Vid dataset in '${path}': top-level dict of 3 entries whose first value ('v0') has keys [a, b] (or set options.kind to 'davis' | 'rgb_stacking' | 'robotap' | 'kinetics')`,
    );
  });

  it('other top-level values, videos that are not frames, and files that are no pickle', () => {
    const cases: [unknown, string][] = [
      [[1, 2], 'top-level list of 2 entries whose first item is an int'],
      ['text', 'top-level str'],
      [new Map(), 'top-level empty dict'],
      [
        [
          new Map<string, unknown>([
            ['video', 'x'],
            ['points', 1],
            ['occluded', 2],
          ]),
        ],
        "top-level list of 1 entry whose first item has a 'video' that is a str, not uint8 [T, H, W, 3] frames nor JPEG bytes",
      ],
      [
        [
          new Map<string, unknown>([
            ['video', [new Uint8Array([1, 2])]],
            ['points', 1],
            ['occluded', 2],
          ]),
        ],
        "top-level list of 1 entry whose first item has a 'video' that is an array of 1 bytes items, not uint8 [T, H, W, 3] frames nor JPEG bytes",
      ],
    ];
    cases.forEach(([value, found], i) => {
      const path = join(dir, `value${i}.pkl`);
      writeFileSync(path, tinyPickle(value));
      expect(inspectTapvidDataset(path), found).toMatchObject({ kind: undefined, found });
    });
    expect(inspectTapvidDataset(join(dir, 'data.json'))).toMatchObject({
      kind: undefined,
      pickle: false,
      found: 'not a pickle (a file starting with bytes 7b 22 76 69; pickles begin with 80)',
    });
    writeFileSync(join(dir, 'empty.pkl'), '');
    expect(inspectTapvidDataset(join(dir, 'empty.pkl')).found).toBe('not a pickle (an empty file; pickles begin with 80)');
  });

  it('a folder names the pickle it could not recognise; a folder mixing kinds or without pickles is refused', async () => {
    const mixedJunk = folder('junk', { '0.pkl': SRC.kinetics0 });
    writeFileSync(join(mixedJunk, '1.pkl'), tinyPickle([1, 2]));
    expect(inspectTapvidDataset(mixedJunk)).toMatchObject({ kind: undefined, found: '1.pkl: top-level list of 2 entries whose first item is an int' });
    const mixed = folder('mixed', { 'a.pkl': SRC.kinetics0, 'b.pkl': SRC.davis });
    expect(() => inspectTapvidDataset(mixed)).toThrow(`'${mixed}' mixes pickles of different kinds: a.pkl (kinetics), b.pkl (davis or robotap)`);
    const two = folder('two-lists', { 'a.pkl': SRC.rgb, 'b.pkl': SRC.rgb });
    expect(() => inspectTapvidDataset(two)).toThrow(/holds 2 lists of uint8-frame videos \(a\.pkl, b\.pkl\); RGB-Stacking is one pickle/);
    const empty = folder('empty', {});
    expect(() => inspectTapvidDataset(empty)).toThrow(`no .pkl files in '${empty}'`);
    await expect(readAll(join(dir, 'missing.pkl'))).rejects.toMatchObject({ code: 'TAPTR_IO' });
  });
});

describe('a forced kind', () => {
  const plain = folder('forced', { 'data.pkl': SRC.davis, 'clip.pkl': SRC.kinetics0 });

  it('is used when the content has its structure (davis and robotap are interchangeable)', async () => {
    expect(listDatasetFiles(join(plain, 'data.pkl'), 'robotap').kind).toBe('robotap');
    expect(await names(join(plain, 'data.pkl'), { kind: 'robotap' })).toEqual(await names(SRC.davis));
  });

  it('on an unrecognised pickle reads it as that kind, each video checked as it is read', async () => {
    const path = join(dir, 'forced-other.pkl');
    writeFileSync(path, tinyPickle(new Map([['v0', new Map<string, unknown>([['a', 1]])]])));
    expect(inspectTapvidDataset(path, 'davis')).toMatchObject({ kind: 'davis', found: "top-level dict of 1 entry whose first value ('v0') has keys [a]" });
    const error = await rejection(readAll(path, { kind: 'davis' }));
    expect(error.message).toBe(`${path}: video 'v0': missing key 'video'`);
  });

  it('that contradicts the content is a clear TAPTR_DATASET_FORMAT error', async () => {
    const error = await rejection(readAll(join(plain, 'data.pkl'), { kind: 'kinetics' }));
    expect(error.code).toBe('TAPTR_DATASET_FORMAT');
    expect(error.message).toBe(
      `'${join(plain, 'data.pkl')}' is not a kinetics dataset (videos whose frames are JPEG bytes); found dict of 2 videos with uint8 frames [12, 64, 80, 3]`,
    );
    expect(() => listDatasetFiles(join(plain, 'clip.pkl'), 'rgb_stacking')).toThrow(
      /is not a rgb_stacking dataset \(a list of videos with uint8 frames\); found list of \d+ videos? with JPEG frames/,
    );
    expect(() => listDatasetFiles(join(dir, 'data.json'), 'davis')).toThrow(/is not a davis dataset .*; found not a pickle/);
    expect(() => listDatasetFiles(folder('two-dicts', { 'a.pkl': SRC.davis, 'b.pkl': SRC.davis }), 'davis')).toThrow(
      /a davis dataset is one pickle, .* holds 2: a\.pkl, b\.pkl/,
    );
    await expect(readAll(plain, { kind: 'bogus' as never })).rejects.toThrow(RangeError);
    expect(() => inspectTapvidDataset(plain, 'bogus' as never)).toThrow(
      "inspectTapvidDataset: kind must be 'davis' | 'rgb_stacking' | 'robotap' | 'kinetics', got \"bogus\"",
    );
  });
});

describe('truncated and corrupt files give typed errors naming the file and the video', () => {
  it('a truncated pickle is TAPTR_PICKLE_FORMAT naming the file', async () => {
    const bytes = readFileSync(SRC.davis);
    for (const cut of [bytes.length - 1, Math.floor(bytes.length / 2), 40]) {
      const path = join(dir, `cut-${cut}.pkl`);
      writeFileSync(path, bytes.subarray(0, cut));
      const error = await rejection(readAll(path));
      expect(error.code, `cut at ${cut}`).toBe('TAPTR_PICKLE_FORMAT');
      expect(error.message.startsWith(`${path}: unpickle: `), error.message).toBe(true);
    }
  });

  it('a corrupt JPEG frame is TAPTR_VIDEO_FORMAT naming the file, the video and the frame', async () => {
    const bytes = new Uint8Array(readFileSync(SRC.kinetics0));
    // Second JPEG of the first video: break its start-of-frame marker (FF C0 -> FF 00).
    const jpegs = positions(bytes, [0xff, 0xd8, 0xff]);
    const sof = positions(bytes.subarray(jpegs[1]), [0xff, 0xc0])[0]! + jpegs[1]!;
    bytes[sof + 1] = 0x00;
    const path = join(dir, 'bad-frame.pkl');
    writeFileSync(path, bytes);
    const error = await rejection(readAll(path));
    expect(error.code).toBe('TAPTR_VIDEO_FORMAT');
    expect(error.message).toMatch(
      new RegExp(`^${escape(path)}: video 'bad-frame/0': decoding its JPEG frames: decodeJpegFrames: frame 1 is not a decodable JPEG \\(\\d+ bytes\\): .+`),
    );
  });

  it('a video whose arrays disagree is TAPTR_DATASET_FORMAT naming the file and the video', async () => {
    const path = join(dir, 'bad-shape.pkl');
    writeFileSync(
      path,
      tinyPickle(
        new Map([
          [
            'clip',
            new Map<string, unknown>([
              ['video', { kind: 'ndarray', dtype: 'u1', dims: [2, 2, 2, 3] }],
              ['points', { kind: 'ndarray', dtype: 'f4', dims: [1, 3, 2] }],
              ['occluded', { kind: 'ndarray', dtype: 'b1', dims: [1, 3] }],
            ]),
          ],
        ]),
      ),
    );
    expect(inspectTapvidDataset(path).kind).toBe('davis');
    const error = await rejection(readAll(path));
    expect(error.code).toBe('TAPTR_DATASET_FORMAT');
    expect(error.message).toBe(`${path}: video 'clip': 'points' must be float32/float64 [N, T=2, 2], got float32 tensor [1, 3, 2]`);
  });
});

function positions(bytes: Uint8Array, pattern: readonly number[]): number[] {
  const found: number[] = [];
  for (let i = 0; i + pattern.length <= bytes.length; i++) if (pattern.every((b, k) => bytes[i + k] === b)) found.push(i);
  return found;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
