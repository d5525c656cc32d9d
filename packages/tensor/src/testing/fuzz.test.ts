// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { TaptrError } from '../errors.js';
import { classifyFuzzError, fuzzBytes } from './fuzz.js';

const input = new TextEncoder().encode('{"points": [[0, 1.5, 2.25], [3, 4, 5]]}');

describe('fuzzBytes', () => {
  it('is deterministic for a seed and runs at least minCases', async () => {
    const seen: string[][] = [[], []];
    for (const run of [0, 1]) {
      const report = await fuzzBytes({
        input,
        seed: 7,
        minCases: 200,
        maxCases: 200,
        read: (bytes) => void seen[run]!.push(Buffer.from(bytes).toString('hex')),
      });
      expect(report.cases).toBe(200);
      expect(report.failures).toEqual([]);
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(new Set(seen[0]).size).toBeGreaterThan(150);
  });

  it('reports crashes, silent acceptance and hangs, and counts typed rejections by code', async () => {
    const report = await fuzzBytes({
      input,
      seed: 1,
      minCases: 300,
      maxCases: 300,
      caseTimeoutMs: 50,
      read: async (bytes, c) => {
        if (c.index === 3) await new Promise((r) => setTimeout(r, 200));
        if (c.index % 3 === 0) throw new TaptrError('TAPTR_IO', 'bad');
        if (c.index % 3 === 1) return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
        return bytes.length;
      },
      onAccept: (result) => {
        if (typeof result === 'number') throw new Error('mutated bytes accepted');
      },
    });
    expect(report.rejected['TAPTR_IO']).toBe(99);
    expect(report.failures.find((f) => f.index === 3)?.kind).toBe('hang');
    expect(report.failures.some((f) => f.kind === 'crash' && f.message.startsWith('SyntaxError'))).toBe(true);
    expect(report.failures.filter((f) => f.kind === 'accepted')).toHaveLength(100);
    expect(report.summary).toContain('FAILURES');
  });

  it('classifies the project argument errors as typed and engine errors as crashes', () => {
    expect(classifyFuzzError(new RangeError('readNpy: header length must be <= 65535, got 70000'))).toBe('RangeError');
    expect(classifyFuzzError(new TypeError('parseQueries(): text must be a string, got 1'))).toBe('TypeError');
    expect(classifyFuzzError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
    expect(classifyFuzzError(new RangeError('Invalid typed array length: -4'))).toBeUndefined();
    expect(classifyFuzzError(new RangeError('Offset is outside the bounds of the DataView'))).toBeUndefined();
    expect(classifyFuzzError(new Error('x'))).toBeUndefined();
    // A catch-all that wraps a crash into a typed error still counts as the crash it is.
    expect(classifyFuzzError(new TaptrError('TAPTR_PICKLE_FORMAT', "unpickle: Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
    const inner = new RangeError('Offset is outside the bounds of the DataView');
    expect(classifyFuzzError(new TaptrError('TAPTR_NPY_FORMAT', 'readNpy: bad file', { cause: inner }))).toBeUndefined();
    expect(classifyFuzzError(new TaptrError('TAPTR_NPY_FORMAT', 'readNpy: truncated data'))).toBe('TAPTR_NPY_FORMAT');
  });
});
