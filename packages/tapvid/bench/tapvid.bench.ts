// SPDX-License-Identifier: Apache-2.0
// Benchmark of @taptr/tapvid at real TAP-Vid sizes. Prints one JSON object per line:
// {machine, task, shape, medianMs, runs}.
//   npm run bench                 # all tasks
//   npm run bench -- --runs 3
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tensor } from '@taptr/tensor';
import jpeg from 'jpeg-js';
import { computeTapvidMetrics, decodeJpegFrames, predictStationary, resizeVideoLanczos, sampleQueriesStrided } from '../src/index.js';
import { readTapvidDataset } from '../src/node/index.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Math.max(1, Number(values.runs));
const machine = `${cpus()[0]?.model.trim() ?? 'unknown cpu'} x${cpus().length}`;

let seed = 7;
const rand = (): number => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

async function time(task: string, shape: string, fn: () => unknown): Promise<void> {
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ machine, task, shape, medianMs: Number(ms[Math.floor(ms.length / 2)]!.toFixed(2)), runs: RUNS }));
}

// Metrics: one Kinetics-sized video, 250 frames, 100 tracks, strided queries (~ 5000).
{
  const N = 100;
  const T = 250;
  const occluded = tensor(
    'bool',
    [N, T],
    Uint8Array.from({ length: N * T }, () => (rand() < 0.2 ? 1 : 0)),
  );
  const points = tensor(
    'float64',
    [N, T, 2],
    Float64Array.from({ length: N * T * 2 }, () => rand() * 256),
  );
  const q = sampleQueriesStrided(occluded, points);
  const pred = predictStationary(q.queryPoints, T);
  await time('computeTapvidMetrics strided', `[1, ${q.queryPoints.dims[1]}, ${T}]`, () =>
    computeTapvidMetrics({ queryPoints: q.queryPoints, gtOccluded: q.occluded, gtTracks: q.targetPoints, ...pred, queryMode: 'strided' }),
  );
}

// Resize: one DAVIS 480p frame to 256x256.
{
  const frame = tensor(
    'uint8',
    [1, 480, 854, 3],
    Uint8Array.from({ length: 480 * 854 * 3 }, () => Math.floor(rand() * 256)),
  );
  await time('resizeVideoLanczos per frame', '480x854 -> 256x256', () => resizeVideoLanczos(frame, 256, 256));
}

// JPEG: one 340x256 Kinetics-like frame.
{
  const data = Uint8Array.from({ length: 340 * 256 * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rand() * 256)));
  const bytes = new Uint8Array(jpeg.encode({ width: 340, height: 256, data }, 90).data);
  await time('decodeJpegFrames per frame', '340x256', () => decodeJpegFrames([bytes]));
}

// JPEG: 30 frames of 640x480 (issue 18's comparison; MozJPEG replaced jpeg-js + hand-written upsampling).
{
  const frames = Array.from({ length: 30 }, () => {
    const data = Uint8Array.from({ length: 640 * 480 * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rand() * 256)));
    return new Uint8Array(jpeg.encode({ width: 640, height: 480, data }, 90).data);
  });
  await time('decodeJpegFrames 30 frames', '30 x 640x480', () => decodeJpegFrames(frames));
}

// Reader: a DAVIS-like pickle with one 480p video of 50 frames (protocol 4 layout, ~61 MB), streamed.
{
  const dir = mkdtempSync(join(tmpdir(), 'tapvid-bench-'));
  try {
    const T = 50;
    const video = new Uint8Array(T * 480 * 854 * 3);
    const file = join(dir, 'tapvid_davis.pkl');
    writeFileSync(file, davisLikePickle('bench', video, [T, 480, 854, 3], 20));
    await time('readTapvidDataset (resize 256, first)', `1 video [${T}, 480, 854, 3]`, async () => {
      for await (const _video of readTapvidDataset(file, { resize: 256, queryMode: 'first' })) {
        // read (decode, resize, sample) every video; nothing else
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A protocol-2 pickle {name: {video, points, occluded}} as NumPy 1.x writes it (payloads via BINBYTES). */
function davisLikePickle(name: string, video: Uint8Array, dims: number[], N: number): Uint8Array {
  const T = dims[0]!;
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  const u32 = (n: number): number[] => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
  const str = (s: string): Uint8Array => Uint8Array.from([0x58, ...u32(enc.encode(s).length), ...enc.encode(s)]);
  const raw = (b: Uint8Array): Uint8Array[] => [Uint8Array.from([0x42, ...u32(b.length)]), b];
  const push = (...p: (Uint8Array | number[])[]): void => void parts.push(...p.map((x) => (x instanceof Uint8Array ? x : Uint8Array.from(x))));
  const array = (typestr: string, order: string, shape: number[], payload: Uint8Array): void => {
    push(enc.encode('cnumpy.core.multiarray\n_reconstruct\n'), enc.encode('cnumpy\nndarray\n'), [0x4b, 0, 0x85, 0x43, 1, 0x62, 0x87, 0x52]);
    push([0x28, 0x4b, 1, 0x28], ...shape.map((d) => [0x4a, ...u32(d)]), [0x74]);
    push(enc.encode('cnumpy\ndtype\n'), str(typestr), [0x89, 0x88, 0x87, 0x52]);
    push(
      [0x28, 0x4b, 3],
      str(order),
      [0x4e, 0x4e, 0x4e, 0x4a, ...u32(-1 >>> 0), 0x4a, ...u32(-1 >>> 0), 0x4b, 0, 0x74, 0x62, 0x89],
      ...raw(payload),
      [0x74, 0x62],
    );
  };
  push([0x80, 2, 0x7d, 0x28], str(name), [0x7d, 0x28], str('video'));
  array('u1', '|', dims, video);
  push(str('points'));
  array('f4', '<', [N, T, 2], new Uint8Array(new Float32Array(N * T * 2).fill(0.5).buffer));
  push(str('occluded'));
  array('b1', '|', [N, T], new Uint8Array(N * T));
  push([0x75, 0x75, 0x2e]);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
