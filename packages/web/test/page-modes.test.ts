// SPDX-License-Identifier: Apache-2.0
// The page's modes end to end in headless Debian Chromium, driven as a user does: a grid on the
// sample (its download compared with `taptr track --grid` on the same frames, wasm on both sides),
// a grid inside an uploaded mask PNG with bidirectional tracking (compared with `taptr track --mask
// --bidirectional`), a mask painted with the brush, the overlay video export (mp4 and webm, frames
// counted by ffprobe), a video file decoded frame-accurately with WebCodecs and tracked at its full
// resolution (and the <video> fallback), cancelling, the model banner, loads from a URL and from disk
// kept in the Cache API (offline second load, sha256 check), and every control's accessible name.
// Lean on purpose (few frames, a 96x96 sample): the machine's cores are shared.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, writeNpy } from '@taptr/tensor';
import { readTracksFile, type TracksFile } from '@taptr/tracker';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserSkipReason, DIST, IN_CI, PACKAGE_DIR, startBrowser, type BrowserSession } from './chromium.js';
import { clickFrame, downloadFrom, downloadTracks, openPage, probeVideo, run, screenshot, settledAfter, showFrame, status, track } from './page-driver.js';

const TRACK_PX = 1e-2;
const skipReason = browserSkipReason();
const browser: BrowserSession | undefined = skipReason === undefined ? await startBrowser() : undefined;
let tmp = '';
/** Measured figures, written to test-artifacts/page-modes.json. */
const report: Record<string, unknown> = {};
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'taptr-web-modes-'));
});
// Each test checks the console errors of its own pages.
beforeEach(() => {
  if (browser !== undefined) browser.errors.length = 0;
});
afterAll(async () => {
  await browser?.close();
  await rm(tmp, { recursive: true, force: true });
  if (browser !== undefined) await writeFile(join(ARTIFACTS, 'page-modes.json'), `${JSON.stringify(report, null, 2)}\n`).catch(() => undefined);
});

const hasFfmpeg = (await run('ffmpeg', ['-version'])) !== undefined;
const needsBrowser = browser === undefined ? `(skipped: ${skipReason})` : '';

async function sample(): Promise<{ frames: number; height: number; width: number; data: Uint8Array }> {
  const meta = JSON.parse(await readFile(join(DIST, 'sample', 'sample.json'), 'utf8')) as { frames: number; height: number; width: number };
  return { ...meta, data: new Uint8Array(await readFile(join(DIST, 'sample', 'video.bin'))) };
}

/** The first `frames` frames of the bundled sample as a .npy the CLI reads (the same pixels the page tracks). */
async function sampleNpy(frames: number): Promise<string> {
  const v = await sample();
  const path = join(tmp, `sample-${frames}.npy`);
  await writeFile(path, writeNpy(tensor('uint8', [frames, v.height, v.width, 3], v.data.slice(0, frames * v.height * v.width * 3))));
  return path;
}

/** `taptr track` (from the CLI's sources) on the wasm backend, the page's backend; reads its tracks file. */
async function cliTrack(video: string, args: readonly string[]): Promise<TracksFile> {
  const out = join(tmp, `cli-${Date.now()}.json`);
  const argv = [
    '--conditions=@taptr/source',
    join(PACKAGE_DIR, 'test', 'taptr-cli.mjs'),
    'track',
    video,
    '--model',
    join(DIST, 'model'),
    '--backend',
    'wasm',
    '--threads',
    '1',
    '--out',
    out,
    ...args,
  ];
  const stderr = await new Promise<string>((done) => {
    execFile(join(PACKAGE_DIR, '..', '..', 'node_modules', '.bin', 'tsx'), argv, { cwd: PACKAGE_DIR }, (error, _stdout, err) =>
      done(error === null ? '' : `${error.message}\n${err}`),
    );
  });
  expect(stderr, 'taptr track failed').toBe('');
  return readTracksFile(await readFile(out, 'utf8'), { name: out });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!) && Number.isNaN(b[i]!)) continue;
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst;
}

/** The page's download against the CLI's file on the same video and queries. */
function expectSameTracks(page: TracksFile, cli: TracksFile, label: string): void {
  expect(page.video.width).toBe(cli.video.width);
  expect(page.video.height).toBe(cli.video.height);
  expect(page.video.frames).toBe(cli.video.frames);
  expect(page.mode).toBe(cli.mode);
  expect(page.queries).toEqual(cli.queries);
  const error = maxAbsDiff(page.tracks, cli.tracks);
  report[`${label}: max |page - CLI| px`] = error;
  expect(error, `${label}: tracks max |diff| (px)`).toBeLessThanOrEqual(TRACK_PX);
  expect(Array.from(page.visible)).toEqual(Array.from(cli.visible));
}

/** The CLI's grid rule, written out here: cell centres, kept where the nearest mask pixel is inside. */
function expectedGrid(n: number, W: number, H: number, inside?: (x: number, y: number) => boolean): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = ((i + 0.5) * W) / n - 0.5;
      const y = ((j + 0.5) * H) / n - 0.5;
      if (inside === undefined || inside(Math.round(x), Math.round(y))) out.push({ x, y });
    }
  }
  return out;
}

/** A 96x96 mask PNG: white inside the rectangle [x0, x1) x [y0, y1), black elsewhere. */
async function rectangleMask(x0: number, y0: number, x1: number, y1: number): Promise<string> {
  const png = new PNG({ width: 96, height: 96 });
  for (let y = 0; y < 96; y++) {
    for (let x = 0; x < 96; x++) {
      const v = x >= x0 && x < x1 && y >= y0 && y < y1 ? 255 : 0;
      png.data.set([v, v, v, 255], (y * 96 + x) * 4);
    }
  }
  const path = join(tmp, 'mask.png');
  await writeFile(path, PNG.sync.write(png));
  return path;
}

async function pickFile(page: Page, button: string, files: string | string[]): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button, exact: true }).click()]);
  await chooser.setFiles(files);
}

describe.skipIf(browser === undefined)(`the page's query modes and export ${needsBrowser}`, () => {
  it('grid 4 x 4 on the sample: the download matches taptr track --grid 4 (wasm) within 1e-2 px; the overlay exports as mp4 and webm with every frame', async () => {
    const FRAMES = 12;
    const page = await openPage(browser!);
    await page.getByRole('spinbutton', { name: 'Grid size n' }).fill('4');
    await page.getByRole('button', { name: 'Add grid on this frame' }).click();
    expect(await page.locator('#point-list li').count()).toBe(16);
    const done = await track(page, FRAMES);
    expect(done.state, done.text).toBe('done');
    report['grid 4x4, 12 frames: Chromium wasm frames/s'] = Number(await page.getAttribute('#timing', 'data-fps'));
    report['grid 4x4, 12 frames: timing line'] = await page.textContent('#timing');
    const json = await downloadTracks(page);
    expect(json.video).toMatchObject({ width: 96, height: 96, frames: FRAMES });
    expect(json.queries).toEqual(expectedGrid(4, 96, 96).map((p) => ({ t: 0, ...p })));
    expectSameTracks(json, await cliTrack(await sampleNpy(FRAMES), ['--grid', '4']), 'grid 4x4');

    if (!hasFfmpeg) {
      expect(IN_CI, 'ffprobe is needed to count the exported frames in CI').toBe(false);
      return;
    }
    // mp4 with the CLI's defaults: 96 px upscaled 4x (short side >= 360), H.264.
    await showFrame(page, 6);
    await screenshot(page, 'page-grid.png');
    const mp4 = await downloadFrom(page, 'Export overlay video', join(tmp, 'overlay.mp4'));
    expect(await probeVideo(mp4)).toEqual({ frames: FRAMES, width: 384, height: 384, codec: 'h264' });
    expect((await status(page)).text).toMatch(/^Exported .*overlay\.mp4: 12 frames of 384x384, avc/);
    // webm with the CLI's other options: short trail, big points, wide lines, one colour for all.
    await page.getByRole('combobox', { name: 'Overlay format' }).selectOption('webm');
    await page.getByRole('spinbutton', { name: 'Trail length (frames)' }).fill('3');
    await page.getByRole('spinbutton', { name: 'Point size (px)' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Line width (px)' }).fill('3');
    await page.getByRole('combobox', { name: 'Overlay colours' }).selectOption('single');
    await page.getByLabel('Colour for all points').fill('#ffcc00');
    const webm = await downloadFrom(page, 'Export overlay video', join(tmp, 'overlay.webm'));
    expect(await probeVideo(webm)).toEqual({ frames: FRAMES, width: 384, height: 384, codec: 'vp9' });
    // Frame 11 holds the markers in the chosen colour (pixels near #ffcc00 that the sample lacks).
    const raw = await run('ffmpeg', ['-v', 'error', '-i', webm, '-vf', 'select=eq(n\\,11)', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    const rgb = Buffer.from(raw!, 'latin1');
    expect(rgb.length).toBe(384 * 384 * 3);
    let yellow = 0;
    for (let i = 0; i < rgb.length; i += 3) if (Math.abs(rgb[i]! - 255) + Math.abs(rgb[i + 1]! - 204) + rgb[i + 2]! < 80) yellow++;
    expect(yellow, 'pixels of the chosen colour in frame 11').toBeGreaterThan(50);
    expect(browser!.errors).toEqual([]);
    await page.close();
  }, 900_000);

  it('a mask PNG restricts a 6 x 6 grid on frame 3; bidirectional tracking matches taptr track --grid 6 --grid-frame 3 --mask --bidirectional', async () => {
    const FRAMES = 8;
    const maskPath = await rectangleMask(40, 10, 90, 70);
    const page = await openPage(browser!);
    await showFrame(page, 3);
    await pickFile(page, 'Load mask PNG…', maskPath);
    await page.waitForFunction(() => (document.getElementById('status')!.textContent ?? '').startsWith('Mask mask.png loaded'));
    expect((await status(page)).text).toBe('Mask mask.png loaded (3000 pixels inside).');
    expect(await page.getByRole('checkbox', { name: 'inside the mask only' }).isChecked()).toBe(true);
    await page.getByRole('spinbutton', { name: 'Grid size n' }).fill('6');
    await page.getByRole('button', { name: 'Add grid on this frame' }).click();
    const expected = expectedGrid(6, 96, 96, (x, y) => x >= 40 && x < 90 && y >= 10 && y < 70);
    expect(expected.length).toBeGreaterThan(4);
    expect(await page.locator('#point-list li').count()).toBe(expected.length);
    await screenshot(page, 'page-mask-png.png');
    const done = await track(page, FRAMES, { bidirectional: true });
    expect(done.state, done.text).toBe('done');
    const json = await downloadTracks(page);
    expect(json.mode).toBe('bidirectional');
    expect(json.queries).toEqual(expected.map((p) => ({ t: 3, ...p })));
    expectSameTracks(
      json,
      await cliTrack(await sampleNpy(FRAMES), ['--grid', '6', '--grid-frame', '3', '--mask', maskPath, '--bidirectional']),
      'mask grid, bidirectional',
    );
    expect(browser!.errors).toEqual([]);
    await page.close();
  }, 900_000);

  it('a mask painted with the brush restricts the grid to the stroke; the downloaded mask PNG gives the same grid by the CLI rule', async () => {
    const page = await openPage(browser!);
    await page.getByRole('combobox', { name: 'Canvas tool' }).selectOption('paint');
    await page.getByRole('spinbutton', { name: 'Brush radius (screen px)' }).fill('30');
    const box = (await page.locator('#view').boundingBox())!;
    await page.mouse.move(box.x + 0.15 * box.width, box.y + 0.5 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.6 * box.width, box.y + 0.5 * box.height, { steps: 10 });
    await page.mouse.up();
    await page.getByRole('spinbutton', { name: 'Grid size n' }).fill('12');
    await page.getByRole('checkbox', { name: 'inside the mask only' }).check();
    await page.getByRole('button', { name: 'Add grid on this frame' }).click();
    const points = await page.locator('#point-list li').count();
    expect(points).toBeGreaterThan(6);
    expect(points).toBeLessThan(144);
    // The painted mask, as a PNG, selects exactly these points by the CLI's rule.
    const png = PNG.sync.read(await readFile(await downloadFrom(page, 'Download mask PNG')));
    expect([png.width, png.height]).toEqual([96, 96]);
    const inside = (x: number, y: number): boolean =>
      png.data[(y * 96 + x) * 4 + 3] !== 0 && (png.data[(y * 96 + x) * 4]! | png.data[(y * 96 + x) * 4 + 1]! | png.data[(y * 96 + x) * 4 + 2]!) !== 0;
    const expected = expectedGrid(12, 96, 96, inside);
    expect(expected).toHaveLength(points);
    // The stroke: 30 screen px = 5 video px around y = 47.5 from x = 13.9 to 57.1.
    for (const p of expected) {
      expect(Math.abs(p.y - 47.5)).toBeLessThanOrEqual(6);
      expect(p.x).toBeGreaterThan(13.9 - 6);
      expect(p.x).toBeLessThan(57.1 + 6);
    }
    await screenshot(page, 'page-mask-brush.png');
    const done = await track(page, 4);
    expect(done.state, done.text).toBe('done');
    const json = await downloadTracks(page);
    expect(json.queries).toEqual(expected.map((p) => ({ t: 0, ...p })));
    expect(browser!.errors).toEqual([]);
    await page.close();
  }, 900_000);

  it('Cancel is a normal state: "Cancelled", no error, Track available again', async () => {
    const page = await openPage(browser!);
    await page.getByRole('spinbutton', { name: 'Grid size n' }).fill('8');
    await page.getByRole('button', { name: 'Add grid on this frame' }).click();
    await page.getByRole('spinbutton', { name: 'Frames to track' }).fill('50');
    await page.getByRole('button', { name: 'Track', exact: true }).click();
    await page.waitForFunction(() => /^frame \d+ \/ 50/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 300_000 });
    const s = await settledAfter(page, () => page.getByRole('button', { name: 'Cancel' }).click());
    expect(s.state).toBe('cancelled');
    expect(s.text).toBe('Cancelled: nothing was tracked. Press Track to start again.');
    expect(s.text).not.toMatch(/error/i);
    expect(await page.getByRole('button', { name: 'Track', exact: true }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Cancel' }).isDisabled()).toBe(true);
    expect(browser!.errors).toEqual([]);
    await page.close();
  }, 600_000);
});

/** A 640x360 H.264 mp4 (B-frames, a key frame every 5) whose frame N is grey with luma 16 + 10 N (N = 0..19, 10 fps). */
async function numberedVideo(): Promise<string> {
  const path = join(tmp, 'numbered.mp4');
  const out = await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    "color=c=black:s=640x360:r=10:d=2,geq=lum='16+10*N':cb=128:cr=128",
    '-c:v',
    'libx264',
    '-g',
    '5',
    '-bf',
    '2',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  expect(out, 'ffmpeg made the test video').toBeDefined();
  return path;
}

/** The grey level at the centre of the displayed frame. */
async function centreGrey(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.getElementById('view') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(Math.floor(c.width / 2) + 20, Math.floor(c.height / 2) + 20, 1, 1).data;
    return (d[0]! + d[1]! + d[2]!) / 3;
  });
}

describe.skipIf(browser === undefined || !hasFfmpeg)(`video files ${needsBrowser}`, () => {
  it('decodes every frame of an H.264 file with WebCodecs (frame-accurate, B-frames), tracks at full resolution, results in the video pixels', async () => {
    const file = await numberedVideo();
    const page = await openPage(browser!);
    const started = Date.now();
    const opened = await settledAfter(page, () => pickFile(page, 'Open video…', file));
    report['numbered.mp4 (20 frames 640x360) decode ms (page)'] = Date.now() - started;
    expect(opened.text).toMatch(/^numbered\.mp4: 20 frames of 640x360, decoded in [\d.]+ s with WebCodecs\./);
    // Frame N shows grey 10 N in limited range: (10 N) * 255 / 219 in RGB.
    for (const t of [0, 1, 7, 13, 19]) {
      await showFrame(page, t);
      expect(Math.abs((await centreGrey(page)) - (10 * t * 255) / 219), `grey of frame ${t}`).toBeLessThanOrEqual(4);
    }
    await showFrame(page, 0);
    await clickFrame(page, 0.5, 0.5);
    const done = await track(page, 4);
    expect(done.state, done.text).toBe('done');
    expect(done.text).toMatch(/in the video's 640x360 pixels\. Press Play/);
    expect(await page.textContent('#timing')).toMatch(/at 128x128 from 640x360 frames/);
    const json = await downloadTracks(page);
    expect(json.video).toMatchObject({ width: 640, height: 360, frames: 4, name: 'numbered.mp4' });
    expect(Math.abs(json.queries[0]!.x - 319.5)).toBeLessThan(1.2);
    expect(Math.abs(json.queries[0]!.y - 179.5)).toBeLessThan(1.2);
    for (let t = 0; t < 4; t++) {
      expect(json.tracks[2 * t]).toBeGreaterThanOrEqual(0);
      expect(json.tracks[2 * t]).toBeLessThanOrEqual(639);
      expect(json.tracks[2 * t + 1]).toBeLessThanOrEqual(359);
    }
    // Every 2nd frame: 10 frames, frame k is the file's frame 2k.
    await page.getByRole('spinbutton', { name: 'Keep every Nth frame' }).fill('2');
    expect((await settledAfter(page, () => pickFile(page, 'Open video…', file))).text).toMatch(/^numbered\.mp4: 10 frames of 640x360/);
    await showFrame(page, 3);
    expect(Math.abs((await centreGrey(page)) - (60 * 255) / 219)).toBeLessThanOrEqual(4);
    await screenshot(page, 'page-video-file.png');
    expect(browser!.errors).toEqual([]);
    await page.close();
  }, 600_000);

  it('without WebCodecs (?decoder=video-element) the <video> fallback decodes the file and the tracks still come in the video pixels', async () => {
    const file = await numberedVideo();
    const page = await openPage(browser!, '?decoder=video-element');
    const opened = await settledAfter(page, () => pickFile(page, 'Open video…', file));
    expect(opened.text).toMatch(
      /^numbered\.mp4: 20 frames of 640x360, decoded in [\d.]+ s with a <video> element \(no WebCodecs here: frames sampled at 10 fps\)\. Click/,
    );
    await clickFrame(page, 0.5, 0.5);
    const done = await track(page, 3);
    expect(done.state, done.text).toBe('done');
    expect(done.text).toMatch(/in the video's 640x360 pixels \(tracked on 512x288 frames and scaled\)/);
    const json = await downloadTracks(page);
    expect(json.video).toMatchObject({ width: 640, height: 360, frames: 3 });
    expect(Math.abs(json.queries[0]!.x - 319.5)).toBeLessThan(1.2);
    expect(browser!.errors).toEqual([]);
    await page.close();
  }, 600_000);
});

describe.skipIf(browser === undefined)(`models: banner, URL and disk loads kept in the Cache API ${needsBrowser}`, () => {
  it('shows the random-weight banner with the two commands; a URL model downloads with progress, then loads offline from the cache; a damaged cache entry is caught by sha256', async () => {
    const page = await openPage(browser!);
    const banner = page.getByRole('note', { name: 'About the model in use' });
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toMatch(
      /random weights[\s\S]*npx taptr fetch[\s\S]*npx taptr convert ~\/\.cache\/taptr\/taptrv1\.pth --out models\/taptr-v1/,
    );
    await screenshot(page, 'page-banner.png');

    // A "real" model: the bundled graphs under another URL with another source checkpoint.
    const manifest = JSON.parse(await readFile(join(DIST, 'model', 'model.json'), 'utf8')) as {
      source: { sha256: string };
      graphs: Record<string, { file: string; sha256: string }>;
    };
    const altManifest = JSON.stringify({ ...manifest, source: { sha256: 'f'.repeat(64) } });
    let online = true;
    let graphRequests = 0;
    await page.route('**/alt-model/**', async (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      if (!online) return route.abort('internetdisconnected');
      if (name.endsWith('.onnx')) graphRequests++;
      return route.fulfill({
        body: name === 'model.json' ? altManifest : await readFile(join(DIST, 'model', name)),
        contentType: name === 'model.json' ? 'application/json' : 'application/octet-stream',
      });
    });
    await page.evaluate(() => caches.delete('taptr-models-v1'));
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { statusLog: string[] }).statusLog = log;
      new MutationObserver(() => log.push(document.getElementById('status')!.textContent ?? '')).observe(document.getElementById('status')!, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const base = new URL('alt-model/', browser!.server.url).href;
    await page.getByRole('combobox', { name: 'Model' }).selectOption('url');
    await page.getByRole('textbox', { name: 'Model folder URL' }).fill(base);
    const loaded = await settledAfter(page, () => page.getByRole('button', { name: 'Load model' }).click());
    expect(loaded.text).toBe(`Model ready: converted model from ${base} (downloaded; checksums match model.json).`);
    expect(graphRequests).toBe(4);
    const log = await page.evaluate(() => (window as unknown as { statusLog: string[] }).statusLog);
    expect(
      log.some((l) => /^Loading the model: frame_encoder\.onnx [\d.]+ \/ [\d.]+ MB \(file 1 of 4\)/.test(l)),
      log.join('\n'),
    ).toBe(true);
    expect(await banner.isVisible()).toBe(false);

    // Offline: the same URL again, and the cached entry after a reload, without a byte from the network.
    online = false;
    const t0 = Date.now();
    expect((await settledAfter(page, () => page.getByRole('button', { name: 'Load model' }).click())).text).toBe(
      `Model ready: converted model from ${base} (all from the browser cache; checksums match model.json).`,
    );
    report['URL model (reference, 4 graphs): offline load from the Cache API, ms'] = Date.now() - t0;
    await page.reload();
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
    const cachedOption = page.locator('#model-select optgroup option', { hasText: base });
    expect(await cachedOption.count()).toBe(1);
    const value = (await cachedOption.getAttribute('value'))!;
    expect((await settledAfter(page, () => page.getByRole('combobox', { name: 'Model' }).selectOption(value))).text).toBe(
      `Model ready: converted model from ${base} (all from the browser cache; checksums match model.json).`,
    );
    expect(graphRequests).toBe(4);
    await page.getByRole('combobox', { name: 'Model' }).selectOption('url');
    await page.getByRole('textbox', { name: 'Model folder URL' }).fill(base);

    // A damaged entry: offline it cannot be repaired (error naming the file), online it is downloaded again.
    const sha = manifest.graphs['frameEncoder']!.sha256;
    await page.evaluate(async (s) => {
      const cache = await caches.open('taptr-models-v1');
      await cache.put(new URL(`.taptr-model-cache/sha256/${s}`, `${location.origin}/`).href, new Response(new Uint8Array([1, 2, 3])));
    }, sha);
    const broken = await settledAfter(page, () => page.getByRole('button', { name: 'Load model' }).click());
    expect(broken.state).toBe('error');
    expect(broken.text).toMatch(/^Error: loadTaptrModel: cannot download .*alt-model\/frame_encoder\.onnx/);
    online = true;
    expect((await settledAfter(page, () => page.getByRole('button', { name: 'Load model' }).click())).text).toBe(
      `Model ready: converted model from ${base} (3 of 4 files from the browser cache; checksums match model.json).`,
    );
    expect(graphRequests).toBe(5);
    // The failed fetches while offline are logged by Chromium; nothing else may be.
    expect(browser!.errors.filter((e) => !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await page.close();
  }, 300_000);

  it('a model folder picked from disk is kept: after a reload it is offered from the cache and loads without picking files', async () => {
    const page = await openPage(browser!);
    const folder = join(DIST, 'model');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('combobox', { name: 'Model' }).selectOption('disk')]);
    const files = (await readdir(folder)).map((f) => join(folder, f));
    expect((await settledAfter(page, () => chooser.setFiles(files))).text).toMatch(
      /^Model ready: converted model from disk \(.*\) \(read from disk; checksums match model\.json\)\.$/,
    );
    await page.reload();
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
    const option = page.locator('#model-select optgroup option', { hasText: 'converted model from disk' });
    expect(await option.count()).toBe(1);
    const value = (await option.getAttribute('value'))!;
    expect((await settledAfter(page, () => page.getByRole('combobox', { name: 'Model' }).selectOption(value))).text).toMatch(
      /^Model ready: converted model from disk \(.*\) \(all from the browser cache; checksums match model\.json\)\.$/,
    );
    // The reference model's checkpoint: still the random-weight banner.
    expect(await page.getByRole('note', { name: 'About the model in use' }).isVisible()).toBe(true);
    expect(browser!.errors).toEqual([]);
    await page.close();
  }, 300_000);
});

describe.skipIf(browser === undefined)(`accessibility ${needsBrowser}`, () => {
  it('every control has an accessible name; Play / Pause are drawn icons, named by state', async () => {
    const page = await openPage(browser!);
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { ignored: boolean; role?: { value: string }; name?: { value: string }; backendDOMNodeId?: number }[];
    };
    const controls = nodes.filter(
      (n) => !n.ignored && ['button', 'checkbox', 'combobox', 'slider', 'spinbutton', 'textbox', 'radio', 'ListBox', 'ColorWell'].includes(n.role?.value ?? ''),
    );
    expect(controls.length).toBeGreaterThan(25);
    const unnamed = controls.filter((n) => !(n.name?.value ?? '').trim()).map((n) => n.role?.value);
    expect(unnamed, 'controls without an accessible name').toEqual([]);
    for (const [role, name] of [
      ['button', 'Open video…'],
      ['button', 'Sample video'],
      ['button', 'Track'],
      ['button', 'Cancel'],
      ['button', 'Start camera'],
      ['button', 'Play'],
      ['button', 'Add grid on this frame'],
      ['button', 'Load mask PNG…'],
      ['button', 'Download tracks (JSON)'],
      ['button', 'Export overlay video'],
      ['combobox', 'Model'],
      ['combobox', 'Backend'],
      ['combobox', 'Canvas tool'],
      ['slider', 'Frame'],
      ['checkbox', 'bidirectional'],
      ['spinbutton', 'Grid size n'],
    ] as const) {
      expect(await page.getByRole(role, { name, exact: true }).count(), `${role} "${name}"`).toBe(1);
    }
    const play = page.getByRole('button', { name: 'Play', exact: true });
    expect((await play.textContent())!.trim()).toBe('');
    expect(await play.locator('svg.icon-play').isVisible()).toBe(true);
    await play.click();
    const pause = page.getByRole('button', { name: 'Pause', exact: true });
    expect(await pause.locator('svg.icon-pause').isVisible()).toBe(true);
    expect(await pause.locator('svg.icon-play').isVisible()).toBe(false);
    await pause.click();
    expect(await page.getByRole('button', { name: 'Play', exact: true }).count()).toBe(1);
    expect(browser!.errors).toEqual([]);
    await page.close();
  }, 120_000);
});
