// SPDX-License-Identifier: Apache-2.0
// Per-frame tracking time of every backend on the reduced reference model (the bundled sample,
// three points), printed as one JSON line per backend. Node backends run @taptr/tracker directly;
// the browser backends run the page itself in headless Chromium (its worker reports the time).
// Usage (after `npm run build`): tsx --conditions=@taptr/source bench/backends.bench.ts
//   [--frames 50] [--webgpu-frames 3] [--runs 2] [--backends node-cpu,node-wasm,node-webgpu,chromium-wasm,chromium-webgpu]
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadTaptrModel } from '@taptr/model/format';
import { fsModelReader } from '@taptr/model/node';
import type { RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { createWebRuntime } from '@taptr/runtime-web/wasm';
import { tensor } from '@taptr/tensor';
import { createTracker, readTracksFile, type TracksFile } from '@taptr/tracker';
import { browserSkipReason, DIST, startBrowser } from '../test/chromium.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const FRAMES = Number(flag('frames', '50'));
const WEBGPU_FRAMES = Number(flag('webgpu-frames', '3'));
const RUNS = Math.max(1, Number(flag('runs', '2')));
const BACKENDS = flag('backends', 'node-cpu,node-wasm,node-webgpu,chromium-wasm,chromium-webgpu').split(',');
const CLICKS = [
  [0.3, 0.3],
  [0.6, 0.5],
  [0.45, 0.75],
] as const;
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (process.env['VK_ICD_FILENAMES'] === undefined && existsSync(SWIFTSHADER)) process.env['VK_ICD_FILENAMES'] = SWIFTSHADER;

const emit = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

const meta = JSON.parse(await readFile(join(DIST, 'sample', 'sample.json'), 'utf8')) as { frames: number; height: number; width: number };
const videoData = new Uint8Array(await readFile(join(DIST, 'sample', 'video.bin')));
const { graphs: model } = await loadTaptrModel(fsModelReader(join(DIST, 'model')));
const queries = CLICKS.map(([fx, fy]) => ({ t: 0, x: fx * meta.width - 0.5, y: fy * meta.height - 0.5 }));

/** onnxruntime-node CPU (1 thread) tracks of the first T frames: the reference every backend is compared with. */
const references = new Map<number, Promise<{ tracks: Float32Array; visible: Uint8Array }>>();
function reference(T: number): Promise<{ tracks: Float32Array; visible: Uint8Array }> {
  let r = references.get(T);
  if (r === undefined) {
    r = (async () => {
      const tracker = await createTracker({ runtime: createNodeRuntime({ threads: 1 }), model });
      const out = await tracker.track(tensor('uint8', [T, meta.height, meta.width, 3], videoData.subarray(0, T * meta.height * meta.width * 3)), queries);
      await tracker.release();
      return { tracks: out.tracks.data, visible: out.visible.data };
    })();
    references.set(T, r);
  }
  return r;
}

/** Worst |track difference| (px) and the number of differing visibility decisions vs the CPU reference. */
async function versusCpu(T: number, tracks: ArrayLike<number>, visible: ArrayLike<number>): Promise<{ maxTrackDiffPx: number; visibilityMismatches: number }> {
  const ref = await reference(T);
  let worst = 0;
  for (let i = 0; i < ref.tracks.length; i++) worst = Math.max(worst, Math.abs(ref.tracks[i]! - tracks[i]!));
  let flips = 0;
  for (let i = 0; i < ref.visible.length; i++) flips += ref.visible[i] === visible[i] ? 0 : 1;
  return { maxTrackDiffPx: Number(worst.toExponential(2)), visibilityMismatches: flips };
}

async function benchNode(backend: string, runtime: RuntimeAdapter, frames: number): Promise<void> {
  const reason = await runtime.unsupportedReason?.();
  if (reason !== undefined) {
    emit({ backend, skipped: reason });
    return;
  }
  const T = Math.min(frames, meta.frames);
  const video = tensor('uint8', [T, meta.height, meta.width, 3], videoData.subarray(0, T * meta.height * meta.width * 3));
  const loadStart = performance.now();
  const tracker = await createTracker({ runtime, model });
  const loadMs = performance.now() - loadStart;
  const times: number[] = [];
  let last: { tracks: Float32Array; visible: Uint8Array } | undefined;
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    const out = await tracker.track(video, queries);
    times.push(performance.now() - started);
    last = { tracks: out.tracks.data, visible: out.visible.data };
  }
  await tracker.release();
  const diff = await versusCpu(T, last!.tracks, last!.visible);
  emit({
    backend,
    runtime: runtime.name,
    frames: T,
    points: queries.length,
    loadMs: Math.round(loadMs),
    firstMsPerFrame: +(times[0]! / T).toFixed(2),
    msPerFrame: +(median(times.slice(RUNS > 1 ? 1 : 0)) / T).toFixed(2),
    ...diff,
  });
}

async function benchChromium(backend: 'wasm' | 'webgpu', frames: number): Promise<void> {
  const name = `chromium-${backend}`;
  const reason = browserSkipReason();
  if (reason !== undefined) {
    emit({ backend: name, skipped: reason });
    return;
  }
  const browser = await startBrowser();
  try {
    const page = await browser.open('index.html');
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 60_000 });
    const box = (await page.locator('#view').boundingBox())!;
    for (const [fx, fy] of CLICKS) await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    await page.selectOption('#backend', backend);
    const T = Math.min(frames, meta.frames);
    await page.fill('#max-frames', String(T));
    const results: TracksFile[] = [];
    for (let r = 0; r < RUNS; r++) {
      await page.click('#track');
      await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.dataset['state']!), null, { timeout: 3_600_000 });
      if ((await page.getAttribute('#status', 'data-state')) === 'error') {
        emit({ backend: name, skipped: await page.textContent('#status') });
        return;
      }
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      results.push(readTracksFile(await readFile(await download.path(), 'utf8')));
    }
    const first = results[0]!;
    const warm = results.slice(RUNS > 1 ? 1 : 0).map((j) => j.timings!['trackMs']!);
    const threads = await page.evaluate(() => (globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1));
    const lastJson = results[results.length - 1]!;
    const diff = await versusCpu(T, lastJson.tracks, lastJson.visible);
    const timings = first.timings!;
    emit({
      backend: name,
      runtime: first.model?.['runtime'],
      frames: T,
      points: queries.length,
      wasmThreads: backend === 'wasm' ? threads : undefined,
      loadMs: timings['loadMs'],
      firstMsPerFrame: timings['msPerFrame'],
      msPerFrame: +(median(warm) / T).toFixed(2),
      ...diff,
    });
  } finally {
    await browser.close();
  }
}

const require = createRequire(import.meta.url);
for (const backend of BACKENDS) {
  if (backend === 'node-cpu') {
    await benchNode('node-cpu (1 thread)', createNodeRuntime({ threads: 1 }), FRAMES);
    await benchNode('node-cpu (2 threads)', createNodeRuntime({ threads: 2 }), FRAMES);
  } else if (backend === 'node-wasm') {
    await benchNode(
      'node-wasm (1 thread)',
      createWebRuntime({ threads: 1, wasmBinary: await readFile(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')) }),
      FRAMES,
    );
  } else if (backend === 'node-webgpu') await benchNode('node-webgpu (ort-node EP)', createNodeRuntime({ executionProvider: 'webgpu' }), WEBGPU_FRAMES);
  else if (backend === 'chromium-wasm') await benchChromium('wasm', FRAMES);
  else if (backend === 'chromium-webgpu') await benchChromium('webgpu', WEBGPU_FRAMES);
  else emit({ backend, skipped: 'unknown backend' });
}
