// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-io.js';

const dir = mkdtempSync(join(tmpdir(), 'taptr-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('taptr demo', () => {
  // The built bin's test runs the demo with ffmpeg (overlay.mp4); this one without it.
  it('writes summary.png, tracks.json and the overlay (PNG frames when ffmpeg is missing) and says the model has random weights', async () => {
    const out = join(dir, 'demo');
    const run = await runCli(['demo', '--out', out], { ...process.env, TAPTR_FFMPEG: join(dir, 'no-ffmpeg') });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ffmpeg was not found');
    expect(existsSync(join(out, 'overlay', 'frame_00049.png'))).toBe(true);
    for (const name of ['overlay', 'summary.png', 'tracks.json']) {
      expect(existsSync(join(out, name))).toBe(true);
      expect(run.stdout).toContain(join(out, name));
    }
    expect(run.stdout).toMatch(/random weights.*taptr fetch.*taptr convert/);
    // The metrics table of the zero-motion baseline on the bundled TAP-Vid sample comes first.
    expect(run.stdout).toMatch(/^TAP-Vid metrics of the zero-motion baseline[^\n]*\n\|\s+\|\s+AJ \|/);
    expect(run.stdout).toMatch(/\| mean\s+\|/);
    const doc = JSON.parse(readFileSync(join(out, 'tracks.json'), 'utf8')) as { video: { width: number; height: number; frames: number }; tracks: unknown[] };
    expect(doc.tracks).toHaveLength(16);
    const summary = PNG.sync.read(readFileSync(join(out, 'summary.png')));
    expect(summary.width % doc.video.width).toBe(0);
  });
});
