// SPDX-License-Identifier: Apache-2.0
// Real-browser tests (headless Debian Chromium via playwright-core, the built page served with
// COOP/COEP): the shared runtime conformance suite on the wasm and WebGPU adapters in Chromium, the
// reduced reference model's encoder memory on both against onnxruntime-node CPU, and the page itself:
// three clicked points on the sample, tracked with wasm and with WebGPU (SwiftShader), read back from
// the downloaded JSON and compared with onnxruntime-node CPU on the same queries and frames.
// With CI=true a missing Chromium / WebGPU adapter fails; elsewhere the tests skip with the reason.
// SwiftShader is ~500x slower than the CPU: the WebGPU page run tracks the first TAPTR_WEBGPU_FRAMES
// (default 3) frames; the wasm run tracks the whole sample.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTaptrModel, type TaptrGraphs } from '@taptr/model/format';
import { fsModelReader } from '@taptr/model/node';
import { runRuntimeConformance } from '@taptr/runtime/testing';
import type { RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { tensor } from '@taptr/tensor';
import { createFramePreprocessor, createTracker, readTracksFile, type TracksFile } from '@taptr/tracker';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserSkipReason, CHROMIUM, DIST, IN_CI, startBrowser, type BrowserSession } from './chromium.js';
import { browserAdapter, harnessCaller } from './harness-client.js';

const WEBGPU_FRAMES = Number(process.env['TAPTR_WEBGPU_FRAMES'] ?? 3);
const TRACK_PX = 1e-2;
const MEMORY = 1e-3;
/** Where the three points are clicked, as fractions of the displayed frame. */
const CLICKS = [
  [0.3, 0.3],
  [0.6, 0.5],
  [0.45, 0.75],
] as const;

/** Measured worst errors, written as JSON where TAPTR_WEB_REPORT points (if set). */
const report: Record<string, number> = {};
const skipReason = browserSkipReason();
const browser: BrowserSession | undefined = skipReason === undefined ? await startBrowser() : undefined;
afterAll(async () => {
  await browser?.close();
  const out = process.env['TAPTR_WEB_REPORT'];
  if (out) await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
});

/** Opens the harness page and the adapter of `backend` in it, or gives the reason it is unavailable. */
async function harnessAdapter(backend: 'wasm' | 'webgpu'): Promise<{ adapter?: RuntimeAdapter; reason?: string }> {
  if (browser === undefined) return { reason: skipReason ?? 'no browser' };
  const page = await browser.open('harness.html');
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
  try {
    return { adapter: await browserAdapter(page, backend) };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

const wasm = await harnessAdapter('wasm');
const webgpu = await harnessAdapter('webgpu');

describe('browser test prerequisites', () => {
  // Required in CI and wherever Chromium is installed, so that a developer's npm test runs what CI runs.
  it('Chromium, the built page and a WebGPU adapter are available (CI, or Chromium installed)', (ctx) => {
    if (!IN_CI && !existsSync(CHROMIUM)) ctx.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set TAPTR_CHROMIUM)`);
    expect(skipReason, `browser tests cannot run: ${skipReason}`).toBeUndefined();
    expect(wasm.reason, `wasm adapter unavailable in Chromium: ${wasm.reason}`).toBeUndefined();
    expect(webgpu.reason, `WebGPU unavailable in Chromium: ${webgpu.reason}`).toBeUndefined();
  });

  it.runIf(browser !== undefined)('the page is cross-origin isolated (wasm threads)', async () => {
    const page = await browser!.open('harness.html');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    await page.close();
  });
});

const dataUrl = (bytes: Uint8Array): Promise<string> => Promise.resolve(`data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`);
runRuntimeConformance('ort-web-wasm in Chromium', () => wasm.adapter!, {
  materialize: dataUrl,
  ...(wasm.reason !== undefined ? { skipReason: wasm.reason } : {}),
});
runRuntimeConformance('ort-web-webgpu in Chromium (SwiftShader)', () => webgpu.adapter!, {
  materialize: dataUrl,
  timeoutMs: 180_000,
  ...(webgpu.reason !== undefined ? { skipReason: webgpu.reason } : {}),
});

describe('GPU tensors of the WebGPU adapter in Chromium (SwiftShader)', () => {
  // The device path of the graph runner (encoder memory kept on the GPU): host writes, copies between
  // and within buffers, GPU feeds and a pre-allocated GPU output written by onnxruntime-web.
  it.skipIf(webgpu.adapter === undefined)(
    `keeps tensors on the device through copies and a run${webgpu.reason ? ` (skipped: ${webgpu.reason})` : ''}`,
    async () => {
      const page = await browser!.open('harness.html');
      await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
      try {
        const call = harnessCaller(page);
        await call('open', 'webgpu', 0);
        expect(await call('gpuRoundTrip')).toEqual({ b: [4, 6, 1, 2, 3, 4, 3, 4], out: [2, 4, 6, 8], location: 'gpu-buffer' });
      } finally {
        await page.close();
      }
    },
    180_000,
  );
});

// ---- the reduced reference model ------------------------------------------------------------------

let model: TaptrGraphs | undefined;
async function bundledModel(): Promise<TaptrGraphs> {
  model ??= (await loadTaptrModel(fsModelReader(join(DIST, 'model')))).graphs;
  return model;
}

async function sampleVideo(): Promise<{ frames: number; height: number; width: number; data: Uint8Array }> {
  const meta = JSON.parse(await readFile(join(DIST, 'sample', 'sample.json'), 'utf8')) as { frames: number; height: number; width: number };
  return { ...meta, data: new Uint8Array(await readFile(join(DIST, 'sample', 'video.bin'))) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

async function encoderMemory(runtime: RuntimeAdapter, modelSource: Uint8Array | string, image: Float32Array, R: number): Promise<Float32Array> {
  const session = await runtime.createSession(modelSource);
  try {
    const out = await session.run({ image: runtime.tensors.tensor('float32', image, [1, 3, R, R]) });
    return out['memory']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe.each([
  ['wasm', wasm],
  ['webgpu', webgpu],
] as const)('reduced reference model: encoder memory on %s in Chromium vs onnxruntime-node CPU', (backend, entry) => {
  it.skipIf(entry.adapter === undefined)(
    `agrees within ${MEMORY}${entry.reason ? ` (skipped: ${entry.reason})` : ''}`,
    async () => {
      const m = await bundledModel();
      const video = await sampleVideo();
      const R = m.config.resolution;
      const image = new Float32Array(3 * R * R);
      const frame = 17;
      const size = video.height * video.width * 3;
      createFramePreprocessor(video.height, video.width, R).run(video.data.subarray(frame * size, (frame + 1) * size), 3, image);
      const expected = await encoderMemory(createNodeRuntime({ threads: 1 }), m.frameEncoder, image, R);
      const actual = await encoderMemory(entry.adapter!, 'model/frame_encoder.onnx', image, R);
      const error = maxAbsDiff(actual, expected);
      report[`chromium-${backend} encoder memory max |diff|`] = error;
      expect(error, `${backend} memory max |diff|`).toBeLessThanOrEqual(MEMORY);
    },
    300_000,
  );
});

// ---- the page ------------------------------------------------------------------------------------

interface PageRun {
  readonly json: TracksFile;
  readonly page: Page;
  readonly clicked: readonly { x: number; y: number }[];
  /** The status line after the model folder was read (runs with a model from disk). */
  readonly modelStatus?: string;
}

/** Loads the page, clicks the three points on frame 0 of the sample, tracks `frames` frames on `backend`, downloads the JSON. */
async function runPage(backend: 'wasm' | 'webgpu', frames: number, timeoutMs: number, modelFolder?: string): Promise<PageRun> {
  const page = await browser!.open('index.html');
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 60_000 });
  let modelStatus: string | undefined;
  if (modelFolder !== undefined) {
    // The user path: pick "converted model from disk…" and select all the folder's files.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.selectOption('#model-select', 'disk')]);
    await chooser.setFiles((await readdir(modelFolder)).map((f) => join(modelFolder, f)));
    await page.waitForFunction(() => /^(Model ready: converted model from disk|Error)/.test(document.getElementById('status')?.textContent ?? ''), null, {
      timeout: 30_000,
    });
    modelStatus = (await page.textContent('#status')) ?? '';
    expect(modelStatus).toMatch(/^Model ready: converted model from disk/);
  }
  const box = await page.locator('#view').boundingBox();
  if (box === null) throw new Error('the frame canvas is not visible');
  const clicked: { x: number; y: number }[] = [];
  for (const [fx, fy] of CLICKS) {
    await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    clicked.push({ x: fx * 96 - 0.5, y: fy * 96 - 0.5 });
  }
  expect(await page.locator('#point-list li').count()).toBe(3);
  await page.selectOption('#backend', backend);
  await page.fill('#max-frames', String(frames));
  await page.click('#track');
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.dataset['state']!), null, { timeout: timeoutMs });
  const status = await page.textContent('#status');
  expect(await page.getAttribute('#status', 'data-state'), status ?? '').toBe('done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const path = await download.path();
  const json = readTracksFile(await readFile(path, 'utf8'), { name: 'the page download' });
  return { json, page, clicked, ...(modelStatus === undefined ? {} : { modelStatus }) };
}

/** The same queries and frames through @taptr/tracker on onnxruntime-node CPU. */
async function nodeReference(json: TracksFile): Promise<{ tracks: Float32Array; visible: Uint8Array }> {
  const video = await sampleVideo();
  const T = json.video.frames;
  const size = video.height * video.width * 3;
  const tracker = await createTracker({ runtime: createNodeRuntime({ threads: 1 }), model: await bundledModel() });
  try {
    const r = await tracker.track(
      tensor('uint8', [T, video.height, video.width, 3], video.data.subarray(0, T * size)),
      json.queries.map(({ t, x, y }) => ({ t, x, y })),
    );
    return { tracks: r.tracks.data, visible: r.visible.data };
  } finally {
    await tracker.release();
  }
}

function checkAgainstNode(run: PageRun, reference: { tracks: Float32Array; visible: Uint8Array }, frames: number, label: string): void {
  const { json } = run;
  expect(json.video.frames).toBe(frames);
  expect(json.queries).toHaveLength(3);
  json.queries.forEach((q, i) => {
    expect(q.t).toBe(0);
    expect(Math.abs(q.x - run.clicked[i]!.x), `query ${i} x`).toBeLessThan(0.25);
    expect(Math.abs(q.y - run.clicked[i]!.y), `query ${i} y`).toBeLessThan(0.25);
  });
  expect(json.mode).toBe('forward');
  const error = maxAbsDiff(json.tracks, reference.tracks);
  report[`${label} tracks max |diff| px (${frames} frames)`] = error;
  expect(error, 'tracks max |diff| (px)').toBeLessThanOrEqual(TRACK_PX);
  expect(Array.from(json.visible)).toEqual(Array.from(reference.visible));
}

/** Every decoded window ran on `path` (the page's JSON reports the windows per decoder build). */
function expectDecoder(json: TracksFile, path: 'sample-first' | 'project-first'): void {
  const other = path === 'sample-first' ? 'project-first' : 'sample-first';
  const windows = json.model?.['decoderWindows'] as Record<string, number>;
  expect(windows[path], `windows on ${path}`).toBeGreaterThan(0);
  expect(windows[other], `windows on ${other}`).toBe(0);
}

/** A copy of the bundled model folder as converted before the sample-first decoder existed (three graphs). */
async function olderModelFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'taptr-web-old-model-'));
  const manifest = JSON.parse(await readFile(join(DIST, 'model', 'model.json'), 'utf8')) as { graphs: Record<string, { file: string }> };
  delete manifest.graphs['decoderWindowSampleFirst'];
  for (const { file } of Object.values(manifest.graphs)) await copyFile(join(DIST, 'model', file), join(dir, file));
  await writeFile(join(dir, 'model.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** Plays the result back for a moment, stops on `frame`, saves a screenshot. */
async function screenshotPlayback(page: Page, frame: number, file: string): Promise<void> {
  await page.click('#play');
  await page.waitForTimeout(800);
  await page.click('#play');
  await page.evaluate((t) => {
    const slider = document.getElementById('frame') as HTMLInputElement;
    slider.value = String(t);
    slider.dispatchEvent(new Event('input'));
  }, frame);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, file) });
}

/** A short VP8 webm made with ffmpeg (testsrc), or undefined when ffmpeg is missing. */
async function testVideo(): Promise<string | undefined> {
  const file = join(tmpdir(), `taptr-web-test-${process.pid}.webm`);
  const ok = await new Promise<boolean>((done) => {
    execFile(
      'ffmpeg',
      ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=80x60:rate=10:duration=1.5', '-c:v', 'libvpx', '-b:v', '200k', '-pix_fmt', 'yuv420p', file],
      (error) => done(error === null),
    );
  });
  return ok ? file : undefined;
}

describe('the page in Chromium', () => {
  it.skipIf(browser === undefined)(
    'opens a video file: decodes every frame with WebCodecs, then tracks a clicked point on wasm',
    async () => {
      const file = await testVideo();
      if (file === undefined) {
        expect(IN_CI, 'ffmpeg is needed to make the test video in CI').toBe(false);
        return;
      }
      const page = await browser!.open('index.html');
      await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 60_000 });
      await page.setInputFiles('#video-file', file);
      await page.waitForFunction(() => (document.getElementById('status')?.textContent ?? '').includes('frames of'), null, { timeout: 60_000 });
      expect(await page.textContent('#status')).toMatch(/: 15 frames of 80x60, decoded in [\d.]+ s with WebCodecs\./);
      expect(await page.getAttribute('#frame', 'max')).toBe('14');
      const box = (await page.locator('#view').boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.selectOption('#backend', 'wasm');
      await page.click('#track');
      await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.dataset['state']!), null, { timeout: 300_000 });
      expect(await page.getAttribute('#status', 'data-state'), (await page.textContent('#status')) ?? '').toBe('done');
      expect(await page.textContent('#status')).toMatch(/1 point\(s\) tracked through 15 frames/);
      expect(browser!.errors).toEqual([]);
      await page.close();
      await rm(file, { force: true });
    },
    600_000,
  );

  it.skipIf(browser === undefined || wasm.adapter === undefined)(
    `tracks three clicked points on the sample with wasm like onnxruntime-node CPU${wasm.reason ? ` (skipped: ${wasm.reason})` : ''}`,
    async () => {
      const frames = (await sampleVideo()).frames;
      const run = await runPage('wasm', frames, 300_000);
      expect(run.json.model?.['runtime']).toBe('ort-web-wasm');
      expect(run.json.model?.['memory']).toBe('host');
      // The bundled model has the sample-first decoder: three points decode on it.
      expect((await bundledModel()).decoderWindowSampleFirst).toBeInstanceOf(Uint8Array);
      expectDecoder(run.json, 'sample-first');
      expect(await run.page.textContent('#timing')).toMatch(/decoder: \d+ window\(s\) sample-first$/);
      checkAgainstNode(run, await nodeReference(run.json), frames, 'page chromium-wasm');
      await screenshotPlayback(run.page, 30, 'page-wasm.png');
      expect(browser!.errors).toEqual([]);
      await run.page.close();
    },
    600_000,
  );

  it.skipIf(browser === undefined || wasm.adapter === undefined)(
    `loads a converted model folder from disk and tracks with it${wasm.reason ? ` (skipped: ${wasm.reason})` : ''}`,
    async () => {
      // dist/model is a folder in the `taptr convert` format (model.json + four .onnx files, the
      // sample-first decoder included).
      const run = await runPage('wasm', 8, 300_000, join(DIST, 'model'));
      expect(run.json.model?.['name']).toMatch(/converted model from disk \(.*decoder_window_sample_first\.onnx/);
      expect(run.modelStatus).toMatch(/^Model ready: converted model from disk \(.*\) \(read from disk; checksums match model\.json\)\.$/);
      expectDecoder(run.json, 'sample-first');
      checkAgainstNode(run, await nodeReference(run.json), 8, 'page chromium-wasm, model from disk');
      expect(browser!.errors).toEqual([]);
      await run.page.close();
    },
    600_000,
  );

  it.skipIf(browser === undefined || wasm.adapter === undefined)(
    `loads an older model folder without the sample-first decoder and tracks on decoder_window${wasm.reason ? ` (skipped: ${wasm.reason})` : ''}`,
    async () => {
      const folder = await olderModelFolder();
      try {
        const run = await runPage('wasm', 8, 300_000, folder);
        expect(run.modelStatus).toMatch(/no sample-first decoder \(decoder_window_sample_first\.onnx\): every window runs decoder_window\.onnx\.$/);
        expectDecoder(run.json, 'project-first');
        expect(await run.page.textContent('#timing')).toMatch(/decoder: \d+ window\(s\) project-first$/);
        checkAgainstNode(run, await nodeReference(run.json), 8, 'page chromium-wasm, older model folder');
        expect(browser!.errors).toEqual([]);
        await run.page.close();
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
    600_000,
  );

  it.skipIf(browser === undefined || webgpu.adapter === undefined)(
    `tracks three clicked points on the first ${WEBGPU_FRAMES} frames with WebGPU like onnxruntime-node CPU${webgpu.reason ? ` (skipped: ${webgpu.reason})` : ''}`,
    async () => {
      const run = await runPage('webgpu', WEBGPU_FRAMES, 900_000);
      expect(run.json.model?.['runtime']).toBe('ort-web-webgpu');
      // The encoder memory stayed on the GPU (the runner's ring in a GPU buffer, windows copied on the device).
      expect(run.json.model?.['memory']).toBe('gpu-buffer');
      expectDecoder(run.json, 'sample-first');
      checkAgainstNode(run, await nodeReference(run.json), WEBGPU_FRAMES, 'page chromium-webgpu');
      await screenshotPlayback(run.page, WEBGPU_FRAMES - 1, 'page-webgpu.png');
      expect(browser!.errors).toEqual([]);
      await run.page.close();
    },
    1_000_000,
  );
});
