// SPDX-License-Identifier: Apache-2.0
// decodeJpegFrames against Pillow on 4:4:4, 4:2:2 and 4:2:0 JPEGs (tools/tapvid/make-pil-jpeg-fixtures.py): every byte equal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pilJpegDir } from '@taptr/fixtures';
import { loadJson, loadNpy } from '@taptr/tensor/testing';
import { describe, it } from 'vitest';
import { decodeJpegFrames } from '../src/index.js';
import { expectJpegFramesExact } from './expect-jpeg-frames.js';

const DIR = pilJpegDir();
const manifest = loadJson<{ pillow: string; cases: Record<string, { subsampling: string }> }>(DIR, 'manifest.json');

describe(`decodeJpegFrames vs Pillow ${manifest.pillow}`, () => {
  for (const [name, info] of Object.entries(manifest.cases)) {
    it(`${name} (${info.subsampling})`, () => {
      const decoded = decodeJpegFrames([new Uint8Array(readFileSync(join(DIR, `${name}.jpg`)))]);
      expectJpegFramesExact(decoded, loadNpy(DIR, `${name}.expected.npy`), name);
    });
  }
});
