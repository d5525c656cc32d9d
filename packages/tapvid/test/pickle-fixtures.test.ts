// SPDX-License-Identifier: Apache-2.0
// Every fixture pickle (datasets and protocol/NumPy variants) decoded with @taptr/pickle and
// numpyGlobals, compared with the arrays NumPy decoded (exact; JPEG pixels with a tolerance).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { tapvidMetricsDir } from '@taptr/fixtures';
import { materializeArray, memorySource, numpyGlobals, unpickle, type ByteSource } from '@taptr/pickle';
import { TaptrError, type TensorView } from '@taptr/tensor';
import { compareExact, loadJson, loadNpy } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { decodeJpegFrames, listVideoEntries } from '../src/index.js';
import { expectJpegFramesExact } from './expect-jpeg-frames.js';

const FIXTURES = tapvidMetricsDir();
const DATASETS = join(FIXTURES, 'datasets');

interface Inventory {
  readonly protocol: number;
  readonly bytes: number;
  readonly globals: readonly string[];
}
interface PickleManifest {
  readonly files: Record<string, { inventory: Inventory; examples?: { jpeg_sha256: string[]; video_itemsize: number }[] }>;
  readonly variants: { files: Record<string, Inventory>; files_numpy2?: Record<string, Inventory>; mini_kinetics_jpeg_sha256: string[] };
}
const manifest = loadJson<PickleManifest>(DATASETS, 'pickle_manifest.json');
const variants: Record<string, Inventory> = { ...manifest.variants.files, ...manifest.variants.files_numpy2 };

/** Folder of expected arrays for video `name` of pickle `file` (relative to datasets/). */
function expectedDir(file: string, name: string): string {
  const base = basename(file, '.pkl');
  const root = join(DATASETS, dirname(file), 'expected');
  if (file.startsWith('pickle_variants/')) return join(root, base.includes('kinetics') ? 'mini_kinetics' : 'mini_davis', name);
  const candidates = [join(root, name), join(root, base, name), join(root, base.replace(/^robotap_/, ''), name)];
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined) throw new Error(`no expected folder for ${file} ${name}`);
  return found;
}

function expectSameArray(actual: unknown, expected: TensorView, what: string): void {
  const view = actual as TensorView;
  expect(view.type, what).toBe(expected.type);
  expect(view.dims, what).toEqual(expected.dims);
  const report = compareExact(view.data, expected.data);
  expect(report.ok, `${what}: ${report.message}`).toBe(true);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function decode(bytes: Uint8Array, file: string): { name: string; record: ReadonlyMap<unknown, unknown> }[] {
  return listVideoEntries(unpickle(bytes, { globals: numpyGlobals() }), file);
}

/** Checks one decoded pickle against its expected folders. Returns the number of videos. */
function checkFile(file: string, jpegSha256?: (index: number) => readonly string[] | undefined): number {
  const bytes = new Uint8Array(readFileSync(join(DATASETS, file)));
  const entries = decode(bytes, file);
  entries.forEach(({ name, record }, index) => {
    const dir = expectedDir(file, name);
    expectSameArray(record.get('points'), loadNpy(dir, 'points.npy'), `${file} ${name} points`);
    expectSameArray(record.get('occluded'), loadNpy(dir, 'occluded.npy'), `${file} ${name} occluded`);
    const video = record.get('video');
    if (Array.isArray(video)) {
      const items = video as Uint8Array[];
      const nbytes = loadNpy(dir, 'jpeg_nbytes.npy');
      expect(
        items.map((b) => b.length),
        `${file} ${name} JPEG lengths`,
      ).toEqual(Array.from(nbytes.data as BigInt64Array, Number));
      const hashes = jpegSha256?.(index);
      if (hashes !== undefined) expect(items.map(sha256), `${file} ${name} JPEG sha256`).toEqual(hashes);
      expectJpegFramesExact(decodeJpegFrames(items), loadNpy(dir, 'video_decoded.npy'), `${file} ${name}`);
    } else {
      expectSameArray(video, loadNpy(dir, 'video.npy'), `${file} ${name} video`);
    }
  });
  // The chunked, lazy path (7-byte chunks, every payload >= 7 bytes left in the source) decodes the same.
  const lazy = listVideoEntries(unpickle(memorySource(bytes), { globals: numpyGlobals({ lazy: true }), chunkSize: 7, lazyThreshold: 7 }), file);
  expect(lazy.map((e) => e.name)).toEqual(entries.map((e) => e.name));
  lazy.forEach(({ record }, i) => {
    for (const key of ['video', 'points', 'occluded']) {
      const eager = entries[i]!.record.get(key);
      const loaded = materializeArray(record.get(key));
      if (Array.isArray(eager)) expect(loaded).toEqual(eager);
      else expectSameArray(loaded, eager as TensorView, `${file} ${key} (chunked)`);
    }
  });
  // Truncated at many cut points: always a typed format error.
  const cuts = new Set<number>([0, 1, 2, 3, 10, bytes.length - 1, bytes.length - 2]);
  for (let k = 1; k < 40; k++) cuts.add(Math.floor((bytes.length * k) / 40));
  for (const cut of cuts) {
    let caught: unknown;
    try {
      unpickle(bytes.subarray(0, cut), { globals: numpyGlobals() });
    } catch (error) {
      caught = error;
    }
    expect(caught, `${file} cut at ${cut}`).toBeInstanceOf(TaptrError);
    expect((caught as TaptrError).code, `${file} cut at ${cut}: ${(caught as Error).message}`).toBe('TAPTR_PICKLE_FORMAT');
  }
  return entries.length;
}

describe('fixture pickles decode to the NumPy arrays', () => {
  for (const [file, info] of Object.entries(manifest.files)) {
    it(`${file} (protocol ${info.inventory.protocol}, ${info.inventory.globals.join(', ')})`, () => {
      const count = checkFile(file, (i) => info.examples?.[i]?.jpeg_sha256);
      expect(count).toBeGreaterThan(0);
    });
  }
  for (const [file, info] of Object.entries(variants)) {
    it(`${file} (protocol ${info.protocol}, ${info.globals.join(', ')})`, () => {
      const bytes = readFileSync(join(DATASETS, file));
      expect(bytes[1]).toBe(info.protocol);
      expect(bytes.length).toBe(info.bytes);
      checkFile(file, () => (file.includes('kinetics') ? manifest.variants.mini_kinetics_jpeg_sha256 : undefined));
    });
  }
});

describe('corrupted fixture pickles', () => {
  it('fail only with typed errors (random byte corruption of every variant)', () => {
    let seed = 4242;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    for (const file of Object.keys(variants)) {
      const original = new Uint8Array(readFileSync(join(DATASETS, file)));
      for (let trial = 0; trial < 150; trial++) {
        const data = original.slice();
        for (let k = 0; k < 1 + Math.floor(random() * 4); k++) data[Math.floor(random() * data.length)] = Math.floor(random() * 256);
        try {
          const root = unpickle(data, { globals: numpyGlobals({ lazy: true }), lazyThreshold: 64 });
          for (const entry of listVideoEntries(root, file)) for (const value of entry.record.values()) materializeArray(value);
        } catch (error) {
          if (!(error instanceof TaptrError)) throw new Error(`${file} trial ${trial}: ${String(error)}`, { cause: error });
        }
      }
    }
  });
});

describe('fixture coverage', () => {
  it('tests every .pkl file of the fixture folder', () => {
    const onDisk = readdirSync(DATASETS, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.pkl'))
      .map((f) => f.split(sep).join('/'));
    const tested = [...Object.keys(manifest.files), ...Object.keys(variants)];
    expect([...onDisk].sort()).toEqual([...tested].sort());
  });
});

describe('reading a large pickle by chunks', () => {
  it('decodes the DAVIS-like structure with reads no larger than a chunk, leaving payloads in the source', () => {
    const bytes = new Uint8Array(readFileSync(join(DATASETS, 'davis_like', 'tapvid_davis.pkl')));
    const reads: number[] = [];
    const counting: ByteSource = {
      size: bytes.length,
      read(offset, length) {
        reads.push(length);
        return bytes.subarray(offset, offset + length);
      },
    };
    const root = unpickle(counting, { globals: numpyGlobals({ lazy: true }), chunkSize: 4096, lazyThreshold: 4096 });
    expect(Math.max(...reads)).toBeLessThanOrEqual(4096);
    const total = reads.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(bytes.length / 10);
    // Loading one video reads exactly its payloads.
    reads.length = 0;
    const first = listVideoEntries(root, 'davis')[0]!;
    const video = materializeArray(first.record.get('video')) as TensorView;
    expect(reads).toEqual([video.data.length]);
  });
});
