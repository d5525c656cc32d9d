// SPDX-License-Identifier: Apache-2.0
// taptr fetch (the download itself, resume, checksums and proxies: @taptr/model/node's download-file.test.ts).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHub, startFakeHub, taptrReferenceDir } from '@taptr/fixtures';
import { runCli } from '../test-io.js';

const referenceDir = taptrReferenceDir();
const body = readFileSync(join(referenceDir, 'checkpoint.pth'));
const sha256 = createHash('sha256').update(body).digest('hex');

/** The checkpoint where the Hub keeps it: `<repo>/resolve/main/taptrv1.pth` redirects to `/lfs/<repo>/taptrv1.pth`. */
const REPO = 'HYeungLee/TAPTR-Series';
let hub: FakeHub;
let file: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-fetch-'));
  hub = await startFakeHub();
  hub.serve(REPO, 'main', 'taptrv1.pth', body);
  file = `${hub.endpoint}/lfs/${REPO}/taptrv1.pth`;
});
afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => hub.reset());

describe('taptr fetch', () => {
  it('downloads into --cache and prints JSON', async () => {
    const cache = join(dir, 'cli-cache');
    const run = await runCli(['fetch', '--url', file, '--sha256', sha256, '--cache', cache, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ path: join(cache, 'taptrv1.pth'), bytes: body.length, sha256, verified: true });
    const human = await runCli(['fetch', '--url', file, '--cache', cache]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('already in the cache');
    expect(human.stdout).toContain(`taptr convert ${join(cache, 'taptrv1.pth')}`);
  });

  it('downloads the default checkpoint from the mirror $HF_ENDPOINT, sending $HF_TOKEN', async () => {
    const cache = join(dir, 'cli-endpoint');
    const run = await runCli(['fetch', '--cache', cache, '--sha256', sha256, '--json'], { HF_ENDPOINT: `${hub.endpoint}/`, HF_TOKEN: 'hf_secret' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ url: `${hub.endpoint}/${REPO}/resolve/main/taptrv1.pth`, path: join(cache, 'taptrv1.pth'), verified: true });
    expect(hub.requests.map((r) => [r.url, r.authorization])).toEqual([
      [`/${REPO}/resolve/main/taptrv1.pth`, 'Bearer hf_secret'],
      [`/lfs/${REPO}/taptrv1.pth`, 'Bearer hf_secret'],
    ]);
  });

  it('exits 1 with a one-line error on a bad checksum, 2 on a malformed --sha256', async () => {
    const bad = await runCli(['fetch', '--url', file, '--sha256', 'a'.repeat(64), '--cache', join(dir, 'cli-bad')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^taptr fetch: .*sha256 mismatch: expected a{64}, got [0-9a-f]{64}.*\n$/);
    const usage = await runCli(['fetch', '--sha256', 'xyz', '--cache', join(dir, 'cli-bad')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('taptr fetch: --sha256 must be 64 hexadecimal digits, got "xyz"\n');
    const url = await runCli(['fetch', '--url', 'ftp://x/y', '--cache', join(dir, 'cli-bad')]);
    expect(url.code).toBe(2);
  });

  it('reports an unreachable server as a network error', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const run = await runCli(['fetch', '--url', `http://127.0.0.1:${port}/x.pth`, '--cache', join(dir, 'cli-unreachable')]);
    expect(run.code).toBe(1);
    const dest = join(dir, 'cli-unreachable', 'x.pth');
    expect(run.stderr).toBe(
      `taptr fetch: cannot reach http://127.0.0.1:${port}/x.pth: ECONNREFUSED; offline or behind a proxy? Download http://127.0.0.1:${port}/x.pth by hand into ${dest}, then run: taptr convert ${dest} --out models/taptr-v1 (or set HTTPS_PROXY / HF_ENDPOINT)\n`,
    );
  });
});
