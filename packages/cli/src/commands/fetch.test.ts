// SPDX-License-Identifier: Apache-2.0
// taptr fetch (the download itself, resume, checksums and proxies: @taptr/model/node's download-file.test.ts).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taptrReferenceDir } from '@taptr/fixtures';
import { runCli } from '../test-io.js';

const referenceDir = taptrReferenceDir();
const body = readFileSync(join(referenceDir, 'checkpoint.pth'));
const sha256 = createHash('sha256').update(body).digest('hex');

/** Server behaviour for the next requests. */
const behaviour = { cutFirstAfter: 0, cutsLeft: 0, announce: '', ignoreRange: false };
const requests: { url: string; range: string | undefined; authorization?: string | undefined }[] = [];
let server: Server;
let base: string;
let dir: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  requests.push({ url: req.url ?? '', range: req.headers.range, authorization: req.headers.authorization });
  if (req.url === '/HYeungLee/TAPTR-Series/resolve/main/taptrv1.pth') {
    res.writeHead(302, { location: '/files/taptrv1.pth' }).end();
    return;
  }
  if (req.url === '/redirect/taptrv1.pth') {
    res.writeHead(302, { location: '/files/taptrv1.pth', ...(behaviour.announce ? { 'x-linked-etag': `"${behaviour.announce}"` } : {}) });
    res.end();
    return;
  }
  if (req.url !== '/files/taptrv1.pth') {
    res.writeHead(404).end('not found');
    return;
  }
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range !== null && !behaviour.ignoreRange ? Number(range[1]) : 0;
  if (start >= body.length) {
    res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    return;
  }
  const headers: Record<string, string | number> = { 'content-length': body.length - start, 'accept-ranges': 'bytes' };
  if (start > 0) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
  res.writeHead(start > 0 ? 206 : 200, headers);
  if (behaviour.cutsLeft > 0) {
    behaviour.cutsLeft--;
    // Send part of the body, then cut the connection.
    res.write(body.subarray(start, start + behaviour.cutFirstAfter), () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.end(body.subarray(start));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-fetch-'));
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  Object.assign(behaviour, { cutFirstAfter: 0, cutsLeft: 0, announce: '', ignoreRange: false });
  requests.length = 0;
});

describe('taptr fetch', () => {
  it('downloads into --cache and prints JSON', async () => {
    const cache = join(dir, 'cli-cache');
    const run = await runCli(['fetch', '--url', `${base}/files/taptrv1.pth`, '--sha256', sha256, '--cache', cache, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ path: join(cache, 'taptrv1.pth'), bytes: body.length, sha256, verified: true });
    const human = await runCli(['fetch', '--url', `${base}/files/taptrv1.pth`, '--cache', cache]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('already in the cache');
    expect(human.stdout).toContain(`taptr convert ${join(cache, 'taptrv1.pth')}`);
  });

  it('downloads the default checkpoint from the mirror $HF_ENDPOINT, sending $HF_TOKEN', async () => {
    const cache = join(dir, 'cli-endpoint');
    const run = await runCli(['fetch', '--cache', cache, '--sha256', sha256, '--json'], { HF_ENDPOINT: `${base}/`, HF_TOKEN: 'hf_secret' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ url: `${base}/HYeungLee/TAPTR-Series/resolve/main/taptrv1.pth`, path: join(cache, 'taptrv1.pth'), verified: true });
    expect(requests.map((r) => [r.url, r.authorization])).toEqual([
      ['/HYeungLee/TAPTR-Series/resolve/main/taptrv1.pth', 'Bearer hf_secret'],
      ['/files/taptrv1.pth', 'Bearer hf_secret'],
    ]);
  });

  it('exits 1 with a one-line error on a bad checksum, 2 on a malformed --sha256', async () => {
    const bad = await runCli(['fetch', '--url', `${base}/files/taptrv1.pth`, '--sha256', 'a'.repeat(64), '--cache', join(dir, 'cli-bad')]);
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
