// SPDX-License-Identifier: Apache-2.0
// resizeVideoLanczos against Pillow's LANCZOS resize (fixtures written by tools/tapvid/make-pil-resize-fixtures.py).
import { pilResizeDir } from '@taptr/fixtures';
import { compareExact, loadJson, loadNpy } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { resizeVideoLanczos } from '../src/index.js';

const DIR = pilResizeDir();
const manifest = loadJson<{ pillow: string; cases: Record<string, { input: number[]; output: number[]; what: string }> }>(DIR, 'manifest.json');

describe(`resizeVideoLanczos vs Pillow ${manifest.pillow} LANCZOS`, () => {
  for (const [name, info] of Object.entries(manifest.cases)) {
    it(`${name}: ${info.what} (exact)`, () => {
      const expected = loadNpy(DIR, `${name}.expected.npy`);
      const out = resizeVideoLanczos(loadNpy(DIR, `${name}.input.npy`), info.output[1]!, info.output[2]!);
      expect(out.dims).toEqual(expected.dims);
      const report = compareExact(out.data, expected.data);
      expect(report.ok, report.message).toBe(true);
    });
  }
});
