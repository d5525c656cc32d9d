// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTaptrError } from '@taptr/tensor';
import { type FakeHub, type FakeProxy, startFakeHub, startFakeProxy } from '@taptr/fixtures';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { downloadFile, isUnreachableError } from './download-file.js';

const body = readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth'));
const sha256 = createHash('sha256').update(body).digest('hex');

/** The checkpoint on the fake Hub: `<repo>/resolve/main/taptrv1.pth` redirects to `file`. */
const REPO = 'HYeungLee/TAPTR-Series';
let hub: FakeHub;
let file: string;
let missing: string;
let dir: string;
let proxy: FakeProxy;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-fetch-'));
  hub = await startFakeHub();
  hub.serve(REPO, 'main', 'taptrv1.pth', body);
  file = `${hub.endpoint}/lfs/${REPO}/taptrv1.pth`;
  missing = `${hub.endpoint}/lfs/${REPO}/missing.pth`;
  proxy = await startFakeProxy();
});
afterAll(async () => {
  await proxy.close();
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  hub.reset();
  proxy.seen.length = 0;
  proxy.refuse = 0;
});

describe('downloadFile', () => {
  it('downloads and verifies the checkpoint', async () => {
    const dest = join(dir, 'ok', 'taptrv1.pth');
    const seen: number[] = [];
    const result = await downloadFile({ url: file, dest, sha256, onProgress: (r) => seen.push(r) });
    expect(result).toMatchObject({ path: dest, bytes: body.length, sha256, verified: true, cached: false, resumed: 0 });
    expect(readFileSync(dest).equals(body)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(seen[seen.length - 1]).toBe(body.length);
    // Second call: served from the cache without any request.
    const again = await downloadFile({ url: file, dest, sha256 });
    expect(again.cached).toBe(true);
    expect(hub.requests).toHaveLength(1);
  });

  it('resumes with an HTTP Range request after a cut connection', async () => {
    hub.behaviour.cuts = 2;
    hub.behaviour.cutAfter = 1_000_000;
    const dest = join(dir, 'cut', 'taptrv1.pth');
    const result = await downloadFile({ url: file, dest, sha256 });
    expect(result.resumed).toBe(2);
    expect(readFileSync(dest).equals(body)).toBe(true);
    // Each resume asks for the bytes after those already in the .part file (how many arrived
    // before each cut depends on timing; at most the 1 MB the server sent).
    const offsets = hub.requests.map((r) => (r.range === undefined ? 0 : Number(/^bytes=(\d+)-$/.exec(r.range)?.[1])));
    expect(offsets).toHaveLength(3);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeGreaterThan(0);
    expect(offsets[1]).toBeLessThanOrEqual(1_000_000);
    expect(offsets[2]! - offsets[1]!).toBeGreaterThan(0);
    expect(offsets[2]! - offsets[1]!).toBeLessThanOrEqual(1_000_000);
  });

  it('resumes an existing .part file left by an interrupted run, and restarts when the server ignores Range', async () => {
    const dest = join(dir, 'part', 'taptrv1.pth');
    await downloadFile({ url: missing, dest }).catch(() => undefined); // creates the folder
    writeFileSync(`${dest}.part`, body.subarray(0, 12345));
    await downloadFile({ url: file, dest, sha256 });
    expect(hub.requests[hub.requests.length - 1]!.range).toBe('bytes=12345-');
    expect(readFileSync(dest).equals(body)).toBe(true);

    const dest2 = join(dir, 'part2', 'taptrv1.pth');
    await downloadFile({ url: missing, dest: dest2 }).catch(() => undefined);
    writeFileSync(`${dest2}.part`, Buffer.from('garbage that the server will overwrite'));
    hub.behaviour.ignoreRange = true;
    await downloadFile({ url: file, dest: dest2, sha256 });
    expect(readFileSync(dest2).equals(body)).toBe(true);
  });

  it('rejects a bad checksum, deletes the partial file and keeps nothing', async () => {
    const dest = join(dir, 'bad', 'taptrv1.pth');
    const error = await downloadFile({ url: file, dest, sha256: '0'.repeat(64) }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_CHECKSUM_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain(`got ${sha256}`);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('uses the sha256 announced on a Hugging Face style redirect', async () => {
    hub.behaviour.announce = 'f'.repeat(64);
    const error = await downloadFile({ url: `${hub.endpoint}/${REPO}/resolve/main/taptrv1.pth`, dest: join(dir, 'announced', 'x.pth') }).catch(
      (e: unknown) => e,
    );
    expect(isTaptrError(error, 'TAPTR_CHECKSUM_MISMATCH')).toBe(true);
    hub.behaviour.announce = sha256;
    const result = await downloadFile({ url: `${hub.endpoint}/${REPO}/resolve/main/taptrv1.pth`, dest: join(dir, 'announced', 'y.pth') });
    expect(result.verified).toBe(true);
  });

  it('gives up after the allowed number of cuts, and reports HTTP errors', async () => {
    hub.behaviour.cuts = 10;
    hub.behaviour.cutAfter = 1000;
    const error = await downloadFile({ url: file, dest: join(dir, 'flaky', 'x.pth'), retries: 2 }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_NETWORK')).toBe(true);
    expect((error as Error).message).toMatch(/cut 3 times.*resume from \d+ bytes/);
    expect(hub.requests).toHaveLength(3);
    const notFound = await downloadFile({ url: missing, dest: join(dir, 'nf', 'x.pth') }).catch((e: unknown) => e);
    expect((notFound as Error).message).toMatch(/HTTP 404/);
  });

  it('goes through HTTP_PROXY (CONNECT tunnel), bypasses it for NO_PROXY hosts, and never reads process.env behind the caller', async () => {
    const host = new URL(hub.endpoint).host;
    const viaProxy = await downloadFile({ url: file, dest: join(dir, 'proxied', 'a.pth'), sha256, env: { HTTP_PROXY: proxy.url } });
    expect(viaProxy.verified).toBe(true);
    expect(proxy.seen).toEqual([`CONNECT ${host}`]);
    expect(hub.requests).toHaveLength(1);
    await downloadFile({ url: file, dest: join(dir, 'proxied', 'b.pth'), sha256, env: { http_proxy: proxy.url, NO_PROXY: '127.0.0.1' } });
    expect(proxy.seen).toHaveLength(1);
    expect(hub.requests).toHaveLength(2);
    await downloadFile({ url: file, dest: join(dir, 'proxied', 'c.pth'), sha256, env: {} });
    expect(proxy.seen).toHaveLength(1);
  });

  it('uses HTTPS_PROXY for https URLs; a proxy that refuses the tunnel is an unreachable-server error', async () => {
    proxy.refuse = 407;
    const error = await downloadFile({ url: 'https://127.0.0.1:8443/x.pth', dest: join(dir, 'https', 'x.pth'), env: { HTTPS_PROXY: proxy.url } }).catch(
      (e: unknown) => e,
    );
    expect(proxy.seen).toEqual(['CONNECT 127.0.0.1:8443']);
    expect(isTaptrError(error, 'TAPTR_NETWORK')).toBe(true);
    expect(isUnreachableError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot reach https://127\\.0\\.0\\.1:8443/x\\.pth through the proxy ${proxy.url.replace(/\./g, '\\.')}: .*407`),
    );
  });

  it('sends its headers to the first origin only, not to the host a redirect names', async () => {
    const other = await startFakeHub();
    try {
      other.serve(REPO, 'main', 'blob', body);
      hub.redirect('/elsewhere/taptrv1.pth', `${other.endpoint}/lfs/${REPO}/blob`);
      await downloadFile({
        url: `${hub.endpoint}/elsewhere/taptrv1.pth`,
        dest: join(dir, 'headers', 'x.pth'),
        sha256,
        headers: { authorization: 'Bearer secret' },
      });
      expect(hub.requests.map((r) => [r.url, r.authorization])).toEqual([['/elsewhere/taptrv1.pth', 'Bearer secret']]);
      expect(other.requests).toEqual([{ url: `/lfs/${REPO}/blob`, range: undefined, authorization: undefined }]);
    } finally {
      await other.close();
    }
  });

  it('stops when its signal aborts, keeps the .part file and resumes from it on the next call', async () => {
    hub.behaviour.cuts = 1;
    hub.behaviour.cutAfter = 1_000_000;
    const dest = join(dir, 'abort', 'taptrv1.pth');
    const controller = new AbortController();
    const error = await downloadFile({
      url: file,
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
    expect(hub.requests).toHaveLength(1);
    const result = await downloadFile({ url: file, dest, sha256 });
    expect(hub.requests[1]!.range).toBe(`bytes=${kept}-`);
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
    const notFound = await downloadFile({ url: missing, dest: join(dir, 'unreachable', 'y.pth') }).catch((e: unknown) => e);
    expect(isUnreachableError(notFound)).toBe(false);
  });
});
