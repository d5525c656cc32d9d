// SPDX-License-Identifier: Apache-2.0
// taptr track --online with the bundled reference model: every frame line equals the offline run's
// tracks file (same model, same points; --add-points = the same points as queries), the header states
// the latency (10 frames) and --help says it too.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTracksFile } from '@taptr/tracker';
import { referenceModelDir } from '../src/assets.js';
import { runCli } from '../src/test-io.js';

const ref = referenceModelDir();
const dir = mkdtempSync(join(tmpdir(), 'taptr-online-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('taptr track --online with the reference model', () => {
  it('writes each frame as the offline run does, after a header stating the latency', async () => {
    const queries = [
      { t: 0, x: 20, y: 30 },
      { t: 6, x: 70.5, y: 12 },
    ];
    const added = [{ t: 21, x: 48, y: 60 }];
    writeFileSync(join(dir, 'q.json'), JSON.stringify(queries));
    writeFileSync(join(dir, 'add.json'), JSON.stringify(added));
    writeFileSync(join(dir, 'all.json'), JSON.stringify([...queries, ...added]));
    const model = ['--model', join(ref, 'checkpoint.pth'), '--config', join(ref, 'config.json'), '--threads', '2'];
    const online = await runCli([
      'track',
      join(ref, 'video.npy'),
      ...model,
      '--queries',
      join(dir, 'q.json'),
      '--add-points',
      join(dir, 'add.json'),
      '--online',
      '--out',
      join(dir, 'o.jsonl'),
    ]);
    expect(online.stderr).toBe('');
    expect(online.code).toBe(0);
    const offline = await runCli(['track', join(ref, 'video.npy'), ...model, '--queries', join(dir, 'all.json'), '--out', join(dir, 'o.json')]);
    expect(offline.code).toBe(0);
    const doc = readTracksFile(readFileSync(join(dir, 'o.json'), 'utf8'));
    const T = doc.video.frames;
    const [header, ...rest] = readFileSync(join(dir, 'o.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(header).toMatchObject({ format: 'taptr-online-tracks', latency: { frames: 10 }, video: { width: 96, height: 96, frames: T }, backend: 'cpu' });
    expect((header!['latency'] as { rule: string }).rule).toContain('at most 10 frames after the frame is read');
    const frames = rest.slice(0, -1) as { t: number; ids: number[]; xy: [number, number][]; visible: boolean[] }[];
    expect(frames.map((f) => f.t)).toEqual(Array.from({ length: T }, (_, t) => t));
    const start = [0, 6, 21];
    for (const f of frames) {
      expect(f.ids, `frame ${f.t}`).toEqual([0, 1, 2].filter((id) => f.t >= start[id]!));
      f.ids.forEach((id, k) => {
        const at = (id * T + f.t) * 2;
        expect(f.xy[k]!.map(Math.fround), `point ${id} frame ${f.t}`).toEqual([doc.tracks[at], doc.tracks[at + 1]]); // both float32, written shortest
        expect(f.visible[k]).toBe(doc.visible[id * T + f.t] === 1);
      });
    }
    expect(rest.at(-1)).toMatchObject({ done: true, frames: T });
    expect(online.stdout).toBe(`tracked 3 points online over ${T} frames (cpu, latency 10 frames): ${join(dir, 'o.jsonl')}\n`);
    const help = await runCli(['track', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain("each frame's final positions are written as one JSON line at most 10 frames after the frame is read");
  }, 180_000);
});
