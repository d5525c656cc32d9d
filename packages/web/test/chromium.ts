// SPDX-License-Identifier: Apache-2.0
// Headless Debian Chromium driven by playwright-core (never a downloaded browser), the built page
// served with COOP/COEP. With CI=true a missing browser is a failure; elsewhere tests skip with the reason.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../src/server/static-server.js';

export const CHROMIUM = process.env['TAPTR_CHROMIUM'] ?? '/usr/bin/chromium';
export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(PACKAGE_DIR, 'dist');
export const ARTIFACTS = join(PACKAGE_DIR, 'test-artifacts');

/** The exact Chromium flags (WebGPU on SwiftShader needs only --enable-unsafe-webgpu). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Why the browser tests cannot run here (undefined when they can). */
export function browserSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set TAPTR_CHROMIUM)`;
  if (!existsSync(join(DIST, 'index.html'))) return `the page is not built (${join(DIST, 'index.html')} missing: run npm run build)`;
  return undefined;
}

/** A browser session: a fresh profile, the static server, helpers. */
export interface BrowserSession {
  readonly context: BrowserContext;
  readonly server: StaticServer;
  /** Page console errors and page errors seen so far. */
  readonly errors: string[];
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** Starts Chromium on a fresh profile with the built page served; `extraArgs` are added to {@link CHROMIUM_ARGS}. */
export async function startBrowser(extraArgs: readonly string[] = []): Promise<BrowserSession> {
  const profile = await mkdtemp(join(tmpdir(), 'taptr-chromium-'));
  const server = await startStaticServer({ root: DIST });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    acceptDownloads: true,
    viewport: { width: 1200, height: 900 },
  });
  const errors: string[] = [];
  return {
    context,
    server,
    errors,
    async open(path) {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
      });
      await page.goto(new URL(path, server.url).href);
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
