// SPDX-License-Identifier: Apache-2.0
// The demo data shipped in @taptr/cli are byte copies of the fixture sets they come from (so they
// cannot drift), and the paths resolve inside this package (so an installed CLI finds them).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { taptrReferenceDir, tapvidMetricsDir } from '@taptr/fixtures';
import { describe, expect, it } from 'vitest';
import { referenceModelDir, sampleDatasetPath } from './assets.js';

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const modelFixtures = taptrReferenceDir();
const tapvidFixtures = join(tapvidMetricsDir(), 'datasets', 'davis_like');

describe('bundled demo assets', () => {
  it('lie inside the package, under assets/ (which package.json#files ships)', () => {
    const files = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { files: string[] }).files;
    expect(files).toContain('assets');
    for (const path of [referenceModelDir(), sampleDatasetPath()]) expect(relative(packageRoot, path).split(/[\\/]/)[0]).toBe('assets');
  });

  it.each(['checkpoint.pth', 'config.json', 'video.npy'])('reference/%s is a byte copy of the model fixture', (name) => {
    const own = readFileSync(join(referenceModelDir(), name));
    expect(own.length).toBeGreaterThan(0);
    expect(existsSync(join(modelFixtures, name)), `${join(modelFixtures, name)} is missing`).toBe(true);
    expect(own.equals(readFileSync(join(modelFixtures, name))), `assets/reference/${name} differs from ${join(modelFixtures, name)}`).toBe(true);
  });

  it('sample/tapvid_davis.pkl is a byte copy of the tapvid fixture', () => {
    const own = readFileSync(sampleDatasetPath());
    expect(own.equals(readFileSync(join(tapvidFixtures, 'tapvid_davis.pkl')))).toBe(true);
  });
});
