// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTaptrError, tensor, writeNpy } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { gridQueries, type QueryPoint } from '@taptr/tracker';
import { readMask } from './read-mask.js';
import { parseQueries, readQueries } from './read-queries.js';

const extent = { frames: 10, width: 64, height: 48 };
let dir: string;
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-queries-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readQueries', () => {
  it('reads .json, .csv and .npy (TAP-Vid order t, y, x) to the same points', async () => {
    const expected = [
      { t: 0, x: 1.5, y: 2.25 },
      { t: 9, x: 63, y: 0 },
    ];
    const fromJson = await readQueries(file('q.json', JSON.stringify(expected.map((p) => ({ ...p, label: 'extra keys ignored' })))), extent);
    const fromCsv = await readQueries(file('q.csv', 'y,t,x\n2.25,0,1.5\n\n0,9,63\n'), extent);
    const npy = writeNpy(tensor('float64', [2, 3], new Float64Array([0, 2.25, 1.5, 9, 0, 63])));
    const fromNpy = await readQueries(file('q.npy', npy), extent);
    expect(fromJson).toEqual(expected);
    expect(fromCsv).toEqual(expected);
    expect(fromNpy).toEqual(expected);
  });

  it('rejects (x, y) where (t, x, y) was expected, in every format', async () => {
    await expect(readQueries(file('xy.json', '[[10, 20]]'), extent)).rejects.toThrow(
      /xy\.json: item 0: must be an object \{"t", "x", "y"\}, got \[10, 20\] \(an \(x, y\) pair\? a query also needs its frame t\)/,
    );
    await expect(readQueries(file('xy2.json', '[{"x": 10, "y": 20}]'), extent)).rejects.toThrow(/xy2\.json: item 0: missing field "t" \(the frame index\)/);
    await expect(readQueries(file('xy.csv', 'x,y\n10,20\n'), extent)).rejects.toThrow(
      /xy\.csv: line 1: the header must name the columns t,x,y, got "x,y" \(missing t, the frame index\)/,
    );
    const npy = writeNpy(tensor('float32', [1, 2], new Float32Array([10, 20])));
    await expect(readQueries(file('xy.npy', npy), extent)).rejects.toThrow(
      /xy\.npy: a \.npy query array must be float32\|float64 \[N, 3\] in TAP-Vid order \(t, y, x\), got float32 \[1, 2\] \(an \(x, y\) array\?/,
    );
  });

  it('names the file, row and field of a bad value', async () => {
    await expect(readQueries(file('a.csv', 't,x,y\n0,1,1\n1,abc,2\n'), extent)).rejects.toThrow(/^a\.csv: line 3: field x must be a number, got "abc"$/);
    await expect(readQueries(file('b.csv', 't,x,y\n0,1,1\n12,3,2\n'), extent)).rejects.toThrow(
      /^b\.csv: line 3: t must be an integer frame index in \[0, 9\], got 12$/,
    );
    await expect(readQueries(file('c.json', '[{"t":0,"x":1,"y":1},{"t":1,"x":80,"y":2}]'), extent)).rejects.toThrow(
      /^c\.json: item 1: x must be a pixel x in \[-0.5, 63.5\], got 80$/,
    );
    await expect(readQueries(file('d.json', '[{"t":0.5,"x":1,"y":1}]'), extent)).rejects.toThrow(/d\.json: item 0: t must be an integer/);
    await expect(readQueries(file('e.json', '[{"t":0,"x":"1","y":1}]'), extent)).rejects.toThrow(/e\.json: item 0: field "x" must be a number, got "1"/);
    await expect(readQueries(file('f.json', '{"t":0}'), extent)).rejects.toThrow(/f\.json: must be a JSON array/);
    await expect(readQueries(file('g.json', '[{"t":0,'), extent)).rejects.toThrow(/g\.json: not valid JSON/);
    await expect(readQueries(file('h.json', '[]'), extent)).rejects.toThrow(/h\.json: holds no query points/);
    await expect(readQueries(file('h.txt', 't,x,y'), extent)).rejects.toThrow(/must end in \.json, \.csv or \.npy/);
    const y = writeNpy(tensor('float32', [1, 3], new Float32Array([0, 48, 1])));
    await expect(readQueries(file('y.npy', y), extent)).rejects.toThrow(/y\.npy: row 0: y must be a pixel y in \[-0.5, 47.5\], got 48/);
    const error = await readQueries(join(dir, 'missing.json'), extent).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_IO')).toBe(true);
  });
});

describe('parseQueries', () => {
  it('refuses what a lenient reader would take: hex or Infinity cells, a column named twice, bytes that are not UTF-8', () => {
    const parse = (name: string, text: string | Uint8Array): QueryPoint[] =>
      parseQueries(typeof text === 'string' ? new TextEncoder().encode(text) : text, name, extent);
    expect(() => parse('a.csv', 't,x,y\n0x1,1,1\n')).toThrow(/^a\.csv: line 2: field t must be a number, got "0x1"$/);
    expect(() => parse('a.csv', 't,x,y\n1,Infinity,1\n')).toThrow(/^a\.csv: line 2: field x must be a number, got "Infinity"$/);
    expect(() => parse('a.csv', 't,x,y,x\n1,1,1,2\n')).toThrow(/^a\.csv: line 1: the header names the column x twice/);
    expect(() => parse('a.json', Uint8Array.from([0x5b, 0xc3, 0x28, 0x5d]))).toThrow(/^a\.json: not UTF-8 text$/);
    // A byte-order mark (Excel's CSV) is not part of the header.
    expect(parse('b.csv', '\uFEFFt,x,y\n1,2.5,-0.5\n')).toEqual([{ t: 1, x: 2.5, y: -0.5 }]);
    expect(parse('b.json', '\uFEFF[{"t": 1, "x": 2.5, "y": 3}]')).toEqual([{ t: 1, x: 2.5, y: 3 }]);
  });

  const wellFormed = (points: QueryPoint[]): void => {
    if (points.length === 0) throw new Error('no points');
    points.forEach((p, i) => {
      if (!Number.isInteger(p.t) || p.t < 0 || p.t >= extent.frames) throw new Error(`point ${i}: t = ${p.t}`);
      if (!(p.x >= -0.5 && p.x <= extent.width - 0.5 && p.y >= -0.5 && p.y <= extent.height - 0.5))
        throw new Error(`point ${i}: (${p.x}, ${p.y}) outside the video`);
    });
  };
  const inputs = {
    json: new TextEncoder().encode('[{"t": 0, "x": 1.5, "y": 2.25},\n {"t": 9, "x": 63, "y": 0},\n {"t": 4, "x": 31.5, "y": 47.5, "label": "car"}]\n'),
    csv: new TextEncoder().encode('t,x,y\n0,1.5,2.25\n9,63,0\n\n4,31.5,47.5\n'),
    npy: writeNpy(tensor('float32', [3, 3], Float32Array.from([0, 2.25, 1.5, 9, 0, 63, 4, 47.5, 31.5]))),
  };
  const tokens = {
    json: [
      'null',
      'true',
      '[',
      ']',
      '{',
      '}',
      ',',
      ':',
      '"',
      '"t"',
      '"x"',
      '"y"',
      '-1',
      '0',
      '9',
      '10',
      '1e400',
      '-0.5',
      '63.5',
      '2.5',
      '[1,2]',
      '"\\u0000"',
      '\uFFFD',
    ],
    csv: [',', '\n', '\r\n', 't', 'x', 'y', 'T', '-1', '0', '9', '10', '1e3', '.5', '-0.5', '63.5', 'nan', '0x1', 'Infinity', '"', ' ', '\uFEFF', '1,2,3'],
  };
  it.each(['json', 'csv', 'npy'] as const)(
    '.%s: thousands of seeded mutations, each refused with a typed error or read to well-formed points',
    async (kind) => {
      const report = await fuzzBytes({
        input: inputs[kind],
        seed: 0x71 + kind.length * 1000 + kind.charCodeAt(0),
        minCases: 3000,
        budgetMs: 3000,
        ...(kind === 'npy' ? { hotRanges: [[0, 80]] as const } : { tokens: tokens[kind] }),
        read: (bytes) => parseQueries(bytes, `q.${kind}`, extent),
        onAccept: wellFormed,
      });
      expect(report.failures, report.summary).toEqual([]);
      expect(report.cases).toBeGreaterThanOrEqual(3000);
      expect(report.rejected['TAPTR_INVALID_ARGUMENT'] ?? 0, report.summary).toBeGreaterThan(0);
    },
  );
});

describe('gridQueries on a mask PNG', () => {
  it('keeps only the points inside the mask PNG', async () => {
    const png = new PNG({ width: 8, height: 8 });
    png.data.fill(0);
    for (let y = 0; y < 4; y++) {
      for (let x = 4; x < 8; x++) {
        png.data[(y * 8 + x) * 4] = 255;
        png.data[(y * 8 + x) * 4 + 3] = 255;
      }
    }
    const mask = await readMask(file('mask.png', PNG.sync.write(png)));
    const points = gridQueries(4, 0, 8, 8, mask);
    // Grid x = 0.5, 2.5, 4.5, 6.5 -> nearest pixels 1, 3, 5, 7: only the top-right quarter survives.
    expect(points).toEqual([
      { t: 0, x: 4.5, y: 0.5 },
      { t: 0, x: 6.5, y: 0.5 },
      { t: 0, x: 4.5, y: 2.5 },
      { t: 0, x: 6.5, y: 2.5 },
    ]);
    expect(() => gridQueries(4, 0, 16, 8, mask)).toThrow(/gridQueries: mask must be 16x8 \(the video's size\), got 8x8/);
    expect(() => gridQueries(0, 0, 16, 8)).toThrow(RangeError);
    await expect(readMask(file('mask-bad.png', 'nope'))).rejects.toThrow(/mask-bad\.png: the mask is not a valid PNG image \(missing the PNG signature\)$/);
  });
});
