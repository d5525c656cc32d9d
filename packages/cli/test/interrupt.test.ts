// SPDX-License-Identifier: Apache-2.0
// Ctrl-C during `taptr track` (a real child process sent SIGINT once tracking has started): the
// tracker stops, the frames final so far are written (tracks file marked incomplete), exit 130.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { readNpy, tensor, writeNpy } from '@taptr/tensor';
import { readTracksFile } from '@taptr/tracker';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/test-io.js';
import { REFERENCE_FIXTURES as REF } from './reference-fixtures.js';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(PACKAGE, 'test', 'support', 'taptr-terminal-stderr.ts');
const dir = mkdtempSync(join(tmpdir(), 'taptr-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reference video repeated `times` times: long enough to be interrupted mid-way. */
function longVideo(times: number): string {
  const video = readNpy(new Uint8Array(readFileSync(join(REF, 'video.npy'))));
  const [T, H, W, C] = video.dims as [number, number, number, number];
  const data = new Uint8Array(times * video.data.length);
  for (let k = 0; k < times; k++) data.set(video.data as Uint8Array, k * video.data.length);
  const path = join(dir, `video-x${times}.npy`);
  writeFileSync(path, writeNpy(tensor('uint8', [times * T, H, W, C], data)));
  return path;
}

describe('taptr track and Ctrl-C', () => {
  it('SIGINT mid-way: the frames final so far are written, marked incomplete, equal to the full run; one line; exit 130', async () => {
    const video = longVideo(8); // 400 frames
    const args = (out: string) => [
      'track',
      video,
      '--model',
      join(REF, 'checkpoint.pth'),
      '--config',
      join(REF, 'config.json'),
      '--grid',
      '3',
      '--threads',
      '1',
      '--out',
      out,
    ];
    const out = join(dir, 'partial.json');
    const child = spawn(process.execPath, ['--conditions', '@taptr/source', '--import', 'tsx', ENTRY, ...args(out)], {
      cwd: PACKAGE,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Once the bar shows 40 frames encoded (of 400), Ctrl-C.
      const counts = [...stderr.matchAll(/track +\[[^\]]*\] +\d+% \| (\d+)\/400 frames/g)].map((m) => Number(m[1]));
      if (!sent && counts.some((n) => n >= 40)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | string>((resolve) => child.once('exit', (c, signal) => resolve(c ?? signal ?? -1)));
    expect(sent, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stdout).toBe('');
    const message = stderr.split('\n').filter((l) => l.startsWith('taptr track:'));
    expect(message, stderr).toHaveLength(1);
    const done = Number(
      /^taptr track: interrupted: .*partial\.json holds the (\d+) final frames of 400, marked incomplete$/.exec(stripVTControlCharacters(message[0]!))?.[1],
    );
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(400);

    const partial = readTracksFile(readFileSync(out));
    expect(partial).toMatchObject({ incomplete: true, framesDone: done, video: { frames: 400 } });
    // The full run from the same process code: the finished frames are those of the full run, nothing after them.
    const full = await runCli(args(join(dir, 'full.json')));
    expect(full.code, full.stderr).toBe(0);
    const complete = readTracksFile(readFileSync(join(dir, 'full.json')));
    expect(complete.incomplete).toBeUndefined();
    const N = partial.queries.length;
    for (let n = 0; n < N; n++) {
      for (let t = 0; t < 400; t++) {
        const k = (n * 400 + t) * 2;
        if (t < done) {
          expect(partial.tracks[k], `point ${n} frame ${t}`).toBe(complete.tracks[k]);
          expect(partial.tracks[k + 1]).toBe(complete.tracks[k + 1]);
          expect(partial.visible[n * 400 + t]).toBe(complete.visible[n * 400 + t]);
        } else {
          expect(Number.isNaN(partial.tracks[k]), `point ${n} frame ${t}`).toBe(true);
          expect(partial.visible[n * 400 + t]).toBe(0);
        }
      }
    }
  }, 300_000);
});
