// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTaptrError } from '@taptr/tensor';
import { startFakeProxy, type FakeProxy } from '../../test/fake-hub.js';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { downloadFile, isUnreachableError } from './download-file.js';

const body = readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth'));
const sha256 = createHash('sha256').update(body).digest('hex');

/** Server behaviour for the next requests. */
const behaviour = { cutFirstAfter: 0, cutsLeft: 0, announce: '', ignoreRange: false };
const requests: { url: string; range: string | undefined }[] = [];
let server: Server;
let base: string;
let dir: string;
let proxy: FakeProxy;
/** Where `/elsewhere/taptrv1.pth` redirects to, and the Authorization headers it received. */
let redirectTarget = '';
const authorizations: (string | undefined)[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  requests.push({ url: req.url ?? '', range: req.headers.range });
  if (req.url === '/elsewhere/taptrv1.pth') {
    authorizations.push(req.headers.authorization);
    res.writeHead(302, { location: redirectTarget }).end();
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
  proxy = await startFakeProxy();
});
afterAll(async () => {
  await proxy.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  Object.assign(behaviour, { cutFirstAfter: 0, cutsLeft: 0, announce: '', ignoreRange: false });
  requests.length = 0;
  proxy.seen.length = 0;
  proxy.refuse = 0;
});

describe('downloadFile', () => {
  it('downloads and verifies the checkpoint', async () => {
    const dest = join(dir, 'ok', 'taptrv1.pth');
    const seen: number[] = [];
    const result = await downloadFile({ url: `${base}/files/taptrv1.pth`, dest, sha256, onProgress: (r) => seen.push(r) });
    expect(result).toMatchObject({ path: dest, bytes: body.length, sha256, verified: true, cached: false, resumed: 0 });
    expect(readFileSync(dest).equals(body)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(seen[seen.length - 1]).toBe(body.length);
    // Second call: served from the cache without any request.
    const again = await downloadFile({ url: `${base}/files/taptrv1.pth`, dest, sha256 });
    expect(again.cached).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it('resumes with an HTTP Range request after a cut connection', async () => {
    behaviour.cutsLeft = 2;
    behaviour.cutFirstAfter = 1_000_000;
    const dest = join(dir, 'cut', 'taptrv1.pth');
    const result = await downloadFile({ url: `${base}/files/taptrv1.pth`, dest, sha256 });
    expect(result.resumed).toBe(2);
    expect(readFileSync(dest).equals(body)).toBe(true);
    // Each resume asks for the bytes after those already in the .part file (how many arrived
    // before each cut depends on timing; at most the 1 MB the server sent).
    const offsets = requests.map((r) => (r.range === undefined ? 0 : Number(/^bytes=(\d+)-$/.exec(r.range)?.[1])));
    expect(offsets).toHaveLength(3);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeGreaterThan(0);
    expect(offsets[1]).toBeLessThanOrEqual(1_000_000);
    expect(offsets[2]! - offsets[1]!).toBeGreaterThan(0);
    expect(offsets[2]! - offsets[1]!).toBeLessThanOrEqual(1_000_000);
  });

  it('resumes an existing .part file left by an interrupted run, and restarts when the server ignores Range', async () => {
    const dest = join(dir, 'part', 'taptrv1.pth');
    await downloadFile({ url: `${base}/files/none`, dest }).catch(() => undefined); // creates the folder
    writeFileSync(`${dest}.part`, body.subarray(0, 12345));
    await downloadFile({ url: `${base}/files/taptrv1.pth`, dest, sha256 });
    expect(requests[requests.length - 1]!.range).toBe('bytes=12345-');
    expect(readFileSync(dest).equals(body)).toBe(true);

    const dest2 = join(dir, 'part2', 'taptrv1.pth');
    await downloadFile({ url: `${base}/files/none`, dest: dest2 }).catch(() => undefined);
    writeFileSync(`${dest2}.part`, Buffer.from('garbage that the server will overwrite'));
    behaviour.ignoreRange = true;
    await downloadFile({ url: `${base}/files/taptrv1.pth`, dest: dest2, sha256 });
    expect(readFileSync(dest2).equals(body)).toBe(true);
  });

  it('rejects a bad checksum, deletes the partial file and keeps nothing', async () => {
    const dest = join(dir, 'bad', 'taptrv1.pth');
    const error = await downloadFile({ url: `${base}/files/taptrv1.pth`, dest, sha256: '0'.repeat(64) }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_CHECKSUM_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain(`got ${sha256}`);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('uses the sha256 announced on a Hugging Face style redirect', async () => {
    behaviour.announce = 'f'.repeat(64);
    const error = await downloadFile({ url: `${base}/redirect/taptrv1.pth`, dest: join(dir, 'announced', 'x.pth') }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_CHECKSUM_MISMATCH')).toBe(true);
    behaviour.announce = sha256;
    const result = await downloadFile({ url: `${base}/redirect/taptrv1.pth`, dest: join(dir, 'announced', 'y.pth') });
    expect(result.verified).toBe(true);
  });

  it('gives up after the allowed number of cuts, and reports HTTP errors', async () => {
    behaviour.cutsLeft = 10;
    behaviour.cutFirstAfter = 1000;
    const error = await downloadFile({ url: `${base}/files/taptrv1.pth`, dest: join(dir, 'flaky', 'x.pth'), retries: 2 }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_NETWORK')).toBe(true);
    expect((error as Error).message).toMatch(/cut 3 times.*resume from \d+ bytes/);
    expect(requests).toHaveLength(3);
    const notFound = await downloadFile({ url: `${base}/files/missing.pth`, dest: join(dir, 'nf', 'x.pth') }).catch((e: unknown) => e);
    expect((notFound as Error).message).toMatch(/HTTP 404/);
  });

  it('goes through HTTP_PROXY (CONNECT tunnel), bypasses it for NO_PROXY hosts, and never reads process.env behind the caller', async () => {
    const host = new URL(base).host;
    const viaProxy = await downloadFile({ url: `${base}/files/taptrv1.pth`, dest: join(dir, 'proxied', 'a.pth'), sha256, env: { HTTP_PROXY: proxy.url } });
    expect(viaProxy.verified).toBe(true);
    expect(proxy.seen).toEqual([`CONNECT ${host}`]);
    expect(requests).toHaveLength(1);
    await downloadFile({ url: `${base}/files/taptrv1.pth`, dest: join(dir, 'proxied', 'b.pth'), sha256, env: { http_proxy: proxy.url, NO_PROXY: '127.0.0.1' } });
    expect(proxy.seen).toHaveLength(1);
    expect(requests).toHaveLength(2);
    await downloadFile({ url: `${base}/files/taptrv1.pth`, dest: join(dir, 'proxied', 'c.pth'), sha256, env: {} });
    expect(proxy.seen).toHaveLength(1);
  });

  it('uses HTTPS_PROXY for https URLs; a proxy that refuses the tunnel is an unreachable-server error', async () => {
    proxy.refuse = 407;
    const error = await downloadFile({ url: 'https://127.0.0.1:8443/x.pth', dest: join(dir, 'https', 'x.pth'), env: { HTTPS_PROXY: proxy.url } }).catch((e: unknown) => e);
    expect(proxy.seen).toEqual(['CONNECT 127.0.0.1:8443']);
    expect(isTaptrError(error, 'TAPTR_NETWORK')).toBe(true);
    expect(isUnreachableError(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach https://127\\.0\\.0\\.1:8443/x\\.pth through the proxy ${proxy.url.replace(/\./g, '\\.')}: .*407`));
  });

  it('sends its headers to the first origin only, not to the host a redirect names', async () => {
    const other = createServer((req, res) => {
      requests.push({ url: `other:${req.url}`, range: req.headers.authorization });
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      redirectTarget = `http://127.0.0.1:${(other.address() as AddressInfo).port}/blob`;
      await downloadFile({ url: `${base}/elsewhere/taptrv1.pth`, dest: join(dir, 'headers', 'x.pth'), sha256, headers: { authorization: 'Bearer secret' } });
      expect(authorizations).toEqual(['Bearer secret']);
      expect(requests[requests.length - 1]).toEqual({ url: 'other:/blob', range: undefined });
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('stops when its signal aborts, keeps the .part file and resumes from it on the next call', async () => {
    behaviour.cutsLeft = 1;
    behaviour.cutFirstAfter = 1_000_000;
    const dest = join(dir, 'abort', 'taptrv1.pth');
    const controller = new AbortController();
    const error = await downloadFile({
      url: `${base}/files/taptrv1.pth`,
      dest,
      sha256,
      signal: controller.signal,
      onProgress: (received) => {
        if (received >= 500_000) controller.abort(new Error('stopped by the test'));
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('stopped by the test');
    const kept = readFileSync(`${dest}.part`).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(body.length);
    expect(requests).toHaveLength(1);
    const result = await downloadFile({ url: `${base}/files/taptrv1.pth`, dest, sha256 });
    expect(requests[1]!.range).toBe(`bytes=${kept}-`);
    expect(result.verified).toBe(true);
  });

  it('reports an unreachable server as a network error naming the cause', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await downloadFile({ url: `http://127.0.0.1:${port}/x.pth`, dest: join(dir, 'unreachable', 'x.pth'), env: {} }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`cannot reach http://127.0.0.1:${port}/x.pth: ECONNREFUSED`);
    expect(isUnreachableError(error)).toBe(true);
    const notFound = await downloadFile({ url: `${base}/files/missing.pth`, dest: join(dir, 'unreachable', 'y.pth') }).catch((e: unknown) => e);
    expect(isUnreachableError(notFound)).toBe(false);
  });
});
