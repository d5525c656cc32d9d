// SPDX-License-Identifier: Apache-2.0
// Driving the page as a user does (Playwright locators by role where the control has one), shared
// by the browser tests.
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTracksFile, type TracksFile } from '@taptr/tracker';
import type { Page } from 'playwright-core';
import { ARTIFACTS, type BrowserSession } from './chromium.js';

/** Opens the page and waits for its first run to finish (bundled model loaded, sample shown). */
export async function openPage(browser: BrowserSession, query = ''): Promise<Page> {
  const page = await browser.open(`index.html${query}`);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 120_000 });
  return page;
}

/** The status line and its state. */
export async function status(page: Page): Promise<{ text: string; state: string }> {
  return { text: (await page.textContent('#status')) ?? '', state: (await page.getAttribute('#status', 'data-state')) ?? '' };
}

/** The number of status messages shown so far (`data-seq`). */
async function statusSeq(page: Page): Promise<number> {
  return Number((await page.getAttribute('#status', 'data-seq')) ?? 0);
}

/**
 * Runs `action`, then waits until the page has shown a new status and left the busy states
 * (`running` / `loading`); returns that status.
 */
export async function settledAfter(page: Page, action: () => Promise<unknown>, timeout = 600_000): Promise<{ text: string; state: string }> {
  const seq = await statusSeq(page);
  await action();
  await page.waitForFunction(
    (since) => {
      const el = document.getElementById('status')!;
      return Number(el.dataset['seq']) > since && !['running', 'loading'].includes(el.dataset['state']!);
    },
    seq,
    { timeout, polling: 200 },
  );
  return status(page);
}

/** Clicks at fractions of the displayed frame. */
export async function clickFrame(page: Page, fx: number, fy: number): Promise<void> {
  const box = (await page.locator('#view').boundingBox())!;
  await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
}

/** Shows frame `t` (sets the slider and fires its input event, as dragging it does). */
export async function showFrame(page: Page, t: number): Promise<void> {
  await page.getByRole('slider', { name: 'Frame' }).evaluate((el, value) => {
    (el as HTMLInputElement).value = String(value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);
}

/** Presses Track with `frames` frames on `backend` and waits for the end; returns the status. */
export async function track(
  page: Page,
  frames: number,
  options: { backend?: 'wasm' | 'webgpu'; bidirectional?: boolean } = {},
): Promise<{ text: string; state: string }> {
  await page.getByRole('combobox', { name: 'Backend' }).selectOption(options.backend ?? 'wasm');
  await page.getByRole('spinbutton', { name: 'Frames to track' }).fill(String(frames));
  await page.getByRole('checkbox', { name: 'bidirectional' }).setChecked(options.bidirectional ?? false);
  return settledAfter(page, () => page.getByRole('button', { name: 'Track', exact: true }).click());
}

/** Clicks `button` and returns the path of the file the page downloads. */
export async function downloadFrom(page: Page, name: string, saveAs?: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 300_000 }), page.getByRole('button', { name, exact: true }).click()]);
  if (saveAs !== undefined) {
    await download.saveAs(saveAs);
    return saveAs;
  }
  return download.path();
}

/** Downloads the tracks file and reads it with the one tracks-file reader. */
export async function downloadTracks(page: Page): Promise<TracksFile> {
  const path = await downloadFrom(page, 'Download tracks (JSON)');
  return readTracksFile(await readFile(path, 'utf8'), { name: 'the page download' });
}

/** Saves a screenshot into the test artifacts folder; returns its path. */
export async function screenshot(page: Page, file: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, file);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs a command; resolves its stdout, or undefined when it is missing or fails. */
export function run(command: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(command, [...args], { maxBuffer: 64 * 2 ** 20, encoding: 'buffer' }, (error, stdout) =>
      done(error === null ? stdout.toString('latin1') : undefined),
    );
  });
}

/** Frames, size and codec of a video, counted by decoding it (ffprobe -count_frames). */
export async function probeVideo(path: string): Promise<{ frames: number; width: number; height: number; codec: string } | undefined> {
  const out = await run('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,width,height,nb_read_frames',
    '-of',
    'json',
    path,
  ]);
  if (out === undefined) return undefined;
  const s = (JSON.parse(out) as { streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[] }).streams[0]!;
  return { frames: Number(s.nb_read_frames), width: s.width, height: s.height, codec: s.codec_name };
}
