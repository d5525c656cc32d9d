// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTaptrError } from '@taptr/tensor';
import CRC32 from 'crc-32';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { crc32Js, crc32Of, openZipArchive } from './zip-archive.js';

const fixture = new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth')));
const enc = new TextEncoder();

function expectCorrupt(fn: () => unknown, ...fragments: (string | RegExp)[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isTaptrError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe('TAPTR_CHECKPOINT_CORRUPT');
  for (const f of fragments) expect((error as Error).message).toMatch(f);
}

/**
 * A stored zip assembled by hand (independent of the reader and of fflate), optionally with every
 * size and offset moved into ZIP64 fields, as a writer does for archives over 4 GiB.
 */
function handZip(files: Record<string, Uint8Array>, zip64 = false): Uint8Array {
  const parts: number[] = [];
  const central: number[] = [];
  const le = (v: number, n: number): number[] => Array.from({ length: n }, (_, i) => Math.floor(v / 2 ** (8 * i)) & 255);
  const names = Object.keys(files);
  for (const name of names) {
    const data = files[name]!;
    const nameBytes = [...enc.encode(name)];
    const crc = CRC32.buf(data) >>> 0;
    const offset = parts.length;
    parts.push(
      ...le(0x04034b50, 4),
      45,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...le(crc, 4),
      ...le(data.length, 4),
      ...le(data.length, 4),
      ...le(nameBytes.length, 2),
      0,
      0,
      ...nameBytes,
      ...data,
    );
    const extra = zip64 ? [1, 0, 24, 0, ...le(data.length, 8), ...le(data.length, 8), ...le(offset, 8)] : [];
    const big = (v: number): number[] => (zip64 ? le(0xffffffff, 4) : le(v, 4));
    central.push(
      ...le(0x02014b50, 4),
      45,
      0,
      45,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...le(crc, 4),
      ...big(data.length),
      ...big(data.length),
      ...le(nameBytes.length, 2),
      ...le(extra.length, 2),
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...big(offset),
      ...nameBytes,
      ...extra,
    );
  }
  const cdOffset = parts.length;
  parts.push(...central);
  if (zip64) {
    const end64 = parts.length;
    parts.push(
      ...le(0x06064b50, 4),
      ...le(44, 8),
      45,
      0,
      45,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...le(names.length, 8),
      ...le(names.length, 8),
      ...le(central.length, 8),
      ...le(cdOffset, 8),
    );
    parts.push(...le(0x07064b50, 4), 0, 0, 0, 0, ...le(end64, 8), 1, 0, 0, 0);
    parts.push(...le(0x06054b50, 4), 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, ...le(0xffffffff, 4), ...le(0xffffffff, 4), 0, 0);
  } else {
    parts.push(...le(0x06054b50, 4), 0, 0, 0, 0, ...le(names.length, 2), ...le(names.length, 2), ...le(central.length, 4), ...le(cdOffset, 4), 0, 0);
  }
  return Uint8Array.from(parts);
}

describe('crc32Of', () => {
  it('is the zip CRC-32 (check value of "123456789"), natively and in JavaScript, across its chunks', () => {
    const big = Uint8Array.from({ length: 9 << 20 }, (_, i) => (i * 2654435761) >>> 24); // three chunks
    for (const update of [undefined, crc32Js]) {
      expect(crc32Of(enc.encode('123456789'), update)).toBe(0xcbf43926);
      expect(crc32Of(new Uint8Array(0), update)).toBe(0);
      expect(crc32Of(big, update)).toBe(CRC32.buf(big) >>> 0);
    }
  });
});

describe('openZipArchive', () => {
  it("lists the fixture checkpoint's entries with the CRC-32s of its central directory and reads them (data descriptors, padding extras)", () => {
    const zip = openZipArchive(fixture, 'checkpoint');
    expect(zip.entries.size).toBe(462);
    // Figures from Python's zipfile on the same file.
    const first = zip.entries.get('checkpoint/data/0')!;
    expect(first).toMatchObject({ method: 0, crc32: 0x46fc7b4c, size: 1024, compressedSize: 1024 });
    expect(zip.entries.get('checkpoint/data.pkl')).toMatchObject({ crc32: 0x1ef84c8f, size: 78563, localHeaderOffset: 0 });
    const data = zip.read(first);
    expect(data.buffer).toBe(fixture.buffer); // a view, no copy
    expect(data.length).toBe(1024);
    for (const entry of zip.entries.values()) expect(zip.read(entry).length).toBe(entry.size);
  });

  it('reads deflated entries and ZIP64 directories', () => {
    const files = { 'a/data.pkl': enc.encode('hello '.repeat(100)), 'a/data/0': Uint8Array.from({ length: 999 }, (_, i) => i & 7) };
    for (const bytes of [zipSync(files, { level: 6 }), handZip(files), handZip(files, true)]) {
      const zip = openZipArchive(bytes, 'checkpoint');
      expect([...zip.entries.keys()]).toEqual(Object.keys(files));
      for (const [name, data] of Object.entries(files)) expect(zip.read(zip.entries.get(name)!)).toEqual(data);
    }
    expect(openZipArchive(zipSync(files, { level: 6 }), 'x').entries.get('a/data.pkl')!.method).toBe(8);
  });

  it('a flipped byte in an entry is a CRC-32 mismatch naming the entry and both sums', () => {
    const bad = fixture.slice();
    const entry = openZipArchive(fixture, 'checkpoint').entries.get('checkpoint/data/0')!;
    const zip = openZipArchive(bad, 'checkpoint');
    const inside = 78643 + 30 + 'checkpoint/data/0'.length + 100; // data/0's payload (local header at 78643, per Python's zipfile)
    bad[inside] = bad[inside]! ^ 0x10;
    expectCorrupt(() => zip.read(entry), 'checkpoint: checkpoint/data/0: ', /CRC-32 0x[0-9a-f]{8} != 0x46fc7b4c recorded/);
    // The same in a deflated entry: the inflated bytes are checked.
    const deflated = zipSync({ 'a/b': enc.encode('abc'.repeat(50)) }, { level: 6 });
    const flipped = deflated.slice();
    flipped[30 + 3 + 2] = flipped[30 + 3 + 2]! ^ 0x01;
    expectCorrupt(() => {
      const z = openZipArchive(flipped, 'checkpoint');
      z.read(z.entries.get('a/b')!);
    }, 'a/b');
  });

  it('a truncated file names the entry it ends in; a truncated entry says how many bytes it needs', () => {
    expectCorrupt(
      () => openZipArchive(fixture.subarray(0, 1_000_000), 'checkpoint'),
      /checkpoint: checkpoint\/data\/\d+: truncated: the file ends in or after this entry/,
      'file has 1000000 bytes',
    );
    expectCorrupt(() => openZipArchive(fixture.subarray(0, fixture.length - 1), 'checkpoint'), 'truncated');
    expectCorrupt(() => openZipArchive(Uint8Array.of(0x50, 0x4b, 3, 4), 'checkpoint'), 'truncated or not a zip');
    // Central directory says the entry is longer than what the file holds.
    const bytes = handZip({ 'a/b': new Uint8Array(10) });
    const cd = bytes.length - 22 - 46 - 3;
    new DataView(bytes.buffer).setUint32(cd + 20, 5000, true);
    new DataView(bytes.buffer).setUint32(cd + 24, 5000, true);
    const zip = openZipArchive(bytes, 'checkpoint');
    expectCorrupt(() => zip.read(zip.entries.get('a/b')!), 'checkpoint: a/b: truncated: entry needs 5033 bytes, file has ' + String(bytes.length));
  });

  it('bad local headers and central directories are named', () => {
    const noSignature = fixture.slice();
    noSignature[78643] = 0;
    const zip = openZipArchive(noSignature, 'checkpoint');
    expectCorrupt(() => zip.read(zip.entries.get('checkpoint/data/0')!), 'checkpoint/data/0: bad local header: no signature at byte 78643');
    const otherName = fixture.slice();
    otherName[78643 + 30 + 16] = '1'.charCodeAt(0); // data/0 -> data/1
    const zip2 = openZipArchive(otherName, 'checkpoint');
    expectCorrupt(() => zip2.read(zip2.entries.get('checkpoint/data/0')!), 'bad local header', 'names another entry');
    const endAt = fixture.length - 22;
    const movedDirectory = fixture.slice();
    new DataView(movedDirectory.buffer).setUint32(endAt + 16, 3726802 + 1, true);
    expectCorrupt(() => openZipArchive(movedDirectory, 'checkpoint'), 'bad central directory', 'no central header signature');
    const pastEnd = fixture.slice();
    new DataView(pastEnd.buffer).setUint32(endAt + 12, 0x7fffffff, true);
    expectCorrupt(() => openZipArchive(pastEnd, 'checkpoint'), 'bad central directory', 'run past');
    const twice = handZip({ 'a/b': new Uint8Array(1), 'a/c': new Uint8Array(1) });
    twice[twice.length - 22 - 46 - 3 + 46 + 2] = 'b'.charCodeAt(0);
    expectCorrupt(() => openZipArchive(twice, 'checkpoint'), 'a/b: the central directory lists this entry twice');
  });
});
