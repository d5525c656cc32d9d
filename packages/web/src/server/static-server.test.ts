// SPDX-License-Identifier: Apache-2.0
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from './static-server.js';

let dir: string;
let server: StaticServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taptr-static-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><p>hi</p>');
  await writeFile(join(dir, 'ort.wasm'), new Uint8Array([0, 97, 115, 109]));
  await writeFile(join(dir, 'glue.mjs'), 'export {};');
  server = await startStaticServer({ root: dir });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('startStaticServer', () => {
  it('serves index.html at / with the cross-origin isolation headers', async () => {
    const r = await fetch(server.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await r.text()).toContain('hi');
  });

  it('serves wasm and module scripts with the MIME types browsers require', async () => {
    const wasm = await fetch(new URL('ort.wasm', server.url));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
    expect((await fetch(new URL('glue.mjs', server.url))).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for missing files and paths outside the root', async () => {
    expect((await fetch(new URL('missing.js', server.url))).status).toBe(404);
    expect((await fetch(new URL('/%2e%2e/%2e%2e/etc/passwd', server.url))).status).toBe(404);
    const missing = await fetch(new URL('nope', server.url));
    expect(missing.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });

  it('refuses other methods than GET and HEAD', async () => {
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });
});
