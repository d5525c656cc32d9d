// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTaptrError } from '@taptr/tensor';
import { loadJson } from '@taptr/tensor/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeHub, startFakeProxy, type FakeHub, type FakeProxy } from '@taptr/fixtures';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { parseTaptrConfig, RELEASED_CONFIG } from '../config/taptr-config.js';
import { withInt8Weights } from '../graphs/int8-weights.js';
import { buildTaptrGraphs } from '../graphs/taptr-graphs.js';
import { applyTaptrPrecision } from '../graphs/taptr-precision.js';
import { readTaptrCheckpoint } from '../checkpoint/taptr-checkpoint.js';
import { loadPretrained, type PretrainedProgress } from './load-pretrained.js';
import type { PretrainedModelSpec } from './pretrained-models.js';
import { sha256Hex } from './taptr-model-files.js';

const checkpoint = new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth')));
const sha256 = createHash('sha256').update(checkpoint).digest('hex');
const config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
/** The reference fixture checkpoint published under a test model id on the fake Hub. */
const SPEC: PretrainedModelSpec = {
  id: 'taptr-reference',
  repo: 'taptr-js/reference',
  file: 'checkpoint.pth',
  revision: 'main',
  config,
  description: 'test fixture',
};

let hub: FakeHub;
let proxy: FakeProxy;
const dirs: string[] = [];
/** A closed loopback port: connections are refused. */
let closedEndpoint: string;

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'taptr-pretrained-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  hub = await startFakeHub();
  hub.serve(SPEC.repo, 'main', SPEC.file, checkpoint);
  proxy = await startFakeProxy();
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedEndpoint = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await hub.close();
  await proxy.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  hub.reset();
  proxy.seen.length = 0;
});

describe('loadPretrained', () => {
  it('downloads from HF_ENDPOINT, records the sha256, converts; a second call loads the cache instantly, with no request (also offline)', async () => {
    const dir = cacheDir();
    const env = { HF_ENDPOINT: hub.endpoint };
    const progress: PretrainedProgress[] = [];
    const started = performance.now();
    const first = await loadPretrained(SPEC, { cacheDir: dir, env, onProgress: (p) => progress.push(p) });
    const firstMs = performance.now() - started;
    expect(hub.requests.map((r) => r.url)).toEqual(['/taptr-js/reference/resolve/main/checkpoint.pth', '/lfs/taptr-js/reference/checkpoint.pth']);
    expect(first).toMatchObject({
      id: 'taptr-reference',
      cached: false,
      checkpoint: { sha256, trust: 'first-use', url: `${hub.endpoint}/taptr-js/reference/resolve/main/checkpoint.pth` },
    });
    expect(readFileSync(first.checkpoint.path).equals(checkpoint)).toBe(true);
    expect(JSON.parse(readFileSync(`${first.checkpoint.path}.sha256.json`, 'utf8'))).toMatchObject({
      sha256,
      bytes: checkpoint.length,
      url: first.checkpoint.url,
    });
    // The graphs are those of the converter, and saved with the checkpoint's sha256.
    const expected = buildTaptrGraphs(readTaptrCheckpoint(checkpoint, { config }), config);
    expect(sha256Hex(first.graphs.frameEncoder)).toBe(sha256Hex(expected.frameEncoder));
    expect(sha256Hex(first.graphs.decoderWindow)).toBe(sha256Hex(expected.decoderWindow));
    expect(first.manifest.source.sha256).toBe(sha256);
    expect(first.graphs.config).toEqual(config);
    expect(first.dir.startsWith(join(dir, 'models', 'taptr-reference-'))).toBe(true);
    const downloads = progress.filter((p) => p.stage === 'download');
    expect(downloads.at(-1)).toEqual({ stage: 'download', done: checkpoint.length, total: checkpoint.length });
    expect(progress.filter((p) => p.stage === 'convert').map((p) => p.done)).toEqual([0, 1, 2, 3, 4]);

    hub.reset();
    const again = performance.now();
    const second = await loadPretrained(SPEC, { cacheDir: dir, env });
    const secondMs = performance.now() - again;
    expect(hub.requests).toEqual([]);
    expect(second).toMatchObject({ cached: true, dir: first.dir, checkpoint: { sha256, trust: 'recorded' } });
    expect(sha256Hex(second.graphs.decoderWindow)).toBe(sha256Hex(first.graphs.decoderWindow));
    expect(secondMs, `first ${firstMs.toFixed(0)} ms, second ${secondMs.toFixed(0)} ms`).toBeLessThan(firstMs / 3);
    // Offline: the Hub unreachable, the cache answers.
    const offline = await loadPretrained(SPEC, { cacheDir: dir, env: { HF_ENDPOINT: closedEndpoint } });
    expect(offline.cached).toBe(true);
    // Other options are another cache entry (converted from the cached checkpoint, not downloaded again).
    const fp16 = await loadPretrained(SPEC, { cacheDir: dir, env: { HF_ENDPOINT: closedEndpoint }, precision: 'fp16-weights' });
    expect(fp16).toMatchObject({ cached: false, manifest: { precision: 'fp16-weights' } });
    expect(fp16.dir).not.toBe(first.dir);
    expect(readdirSync(join(dir, 'models')).sort()).toEqual([first.dir, fp16.dir].map((d) => d.slice(join(dir, 'models').length + 1)).sort());
  }, 120_000);

  it('int8Weights: converts with it; a cached folder of the other type is switched in memory (exactly), not converted again', async () => {
    const dir = cacheDir();
    const s8 = await loadPretrained(SPEC, { cacheDir: dir, env: { HF_ENDPOINT: hub.endpoint }, precision: 'int8', int8Weights: 'int8' });
    expect(s8).toMatchObject({ cached: false, manifest: { precision: 'int8', int8Weights: 'int8' }, graphs: { int8Weights: 'int8' } });
    const offline = { HF_ENDPOINT: closedEndpoint };
    const u8 = await loadPretrained(SPEC, { cacheDir: dir, env: offline, precision: 'int8', int8Weights: 'uint8' });
    expect(u8).toMatchObject({ cached: true, dir: s8.dir, manifest: { int8Weights: 'int8' }, graphs: { int8Weights: 'uint8' } });
    const expected = applyTaptrPrecision(buildTaptrGraphs(readTaptrCheckpoint(checkpoint, { config }), config), 'int8');
    expect(sha256Hex(u8.graphs.frameEncoder)).toBe(sha256Hex(expected.frameEncoder));
    expect(sha256Hex(u8.graphs.decoderWindow)).toBe(sha256Hex(expected.decoderWindow));
    expect(sha256Hex(withInt8Weights(u8.graphs, 'int8').frameEncoder)).toBe(sha256Hex(s8.graphs.frameEncoder));
    // Not asked: the folder's type.
    expect((await loadPretrained(SPEC, { cacheDir: dir, env: offline, precision: 'int8' })).graphs.int8Weights).toBe('int8');
    expect(readdirSync(join(dir, 'models'))).toHaveLength(1);
    await expect(loadPretrained(SPEC, { cacheDir: dir, env: offline, int8Weights: 'int8' })).rejects.toThrow(
      new RangeError(`loadPretrained: options.int8Weights must be absent (int8 weights exist only with options.precision 'int8'), got "int8"`),
    );
  }, 120_000);

  it('resumes a download cut twice with HTTP Range requests, and one stopped by its signal on the next call', async () => {
    const dir = cacheDir();
    hub.behaviour.cuts = 2;
    hub.behaviour.cutAfter = 1_000_000;
    const controller = new AbortController();
    const error = await loadPretrained(SPEC, {
      cacheDir: dir,
      env: { HF_ENDPOINT: hub.endpoint },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'download' && p.done >= 1_500_000) controller.abort(new Error('stopped'));
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('stopped');
    expect(existsSync(join(dir, 'models'))).toBe(false);
    const model = await loadPretrained(SPEC, { cacheDir: dir, env: { HF_ENDPOINT: hub.endpoint } });
    expect(model.checkpoint.sha256).toBe(sha256);
    const ranges = hub.requests.filter((r) => r.url.startsWith('/lfs/')).map((r) => Number(/^bytes=(\d+)-$/.exec(r.range ?? 'bytes=0-')![1]));
    // Cut after at most 1 MB, resumed; stopped at >= 1.5 MB; the next call resumes from the .part file.
    expect(ranges[0]).toBe(0);
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!).toBeGreaterThan(ranges[i - 1]!);
  }, 120_000);

  it('refuses a sha256 mismatch (pinned, announced by the Hub, or recorded at first use) and keeps nothing', async () => {
    const dir = cacheDir();
    const env = { HF_ENDPOINT: hub.endpoint };
    const pinned = await loadPretrained({ ...SPEC, sha256: 'a'.repeat(64) }, { cacheDir: dir, env }).catch((e: unknown) => e);
    expect(isTaptrError(pinned, 'TAPTR_CHECKSUM_MISMATCH')).toBe(true);
    expect((pinned as Error).message).toContain(`expected ${'a'.repeat(64)}, got ${sha256}`);
    const stored = join(dir, 'checkpoints', 'taptr-reference');
    expect(readdirSync(stored)).toEqual([]);
    expect(existsSync(join(dir, 'models'))).toBe(false);

    hub.behaviour.announce = 'b'.repeat(64);
    const announced = await loadPretrained(SPEC, { cacheDir: dir, env }).catch((e: unknown) => e);
    expect((announced as Error).message).toContain(`expected ${'b'.repeat(64)}, got ${sha256}`);
    expect(readdirSync(stored)).toEqual([]);

    // Trust on first use: the recorded sha256 is required of every later download.
    hub.behaviour.announce = '';
    const first = await loadPretrained(SPEC, { cacheDir: dir, env });
    rmSync(first.checkpoint.path);
    rmSync(join(dir, 'models'), { recursive: true });
    const changed = checkpoint.slice();
    changed[changed.length - 100]! ^= 1;
    hub.serve(SPEC.repo, 'main', SPEC.file, changed);
    try {
      const error = await loadPretrained(SPEC, { cacheDir: dir, env }).catch((e: unknown) => e);
      expect(isTaptrError(error, 'TAPTR_CHECKSUM_MISMATCH')).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(
          `expected ${sha256}, got [0-9a-f]{64}.*recorded at the first download \\(.*checkpoint\\.pth\\.sha256\\.json\\): the file on the Hub changed since`,
        ),
      );
      expect(readdirSync(stored)).toEqual(['checkpoint.pth.sha256.json']);
    } finally {
      hub.serve(SPEC.repo, 'main', SPEC.file, checkpoint);
    }
  }, 120_000);

  it('offline: one line naming the URL to download by hand and the taptr convert command', async () => {
    const dir = cacheDir();
    const error = await loadPretrained(SPEC, { cacheDir: dir, env: { HF_ENDPOINT: closedEndpoint } }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_NETWORK')).toBe(true);
    const url = `${closedEndpoint}/taptr-js/reference/resolve/main/checkpoint.pth`;
    expect((error as Error).message).toBe(
      `cannot reach ${url}: ECONNREFUSED; offline or behind a proxy? Download ${url} by hand, then run: taptr convert checkpoint.pth --out models/taptr-reference (and use --model models/taptr-reference), or set HTTPS_PROXY / HF_ENDPOINT`,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('goes through HTTP_PROXY / HTTPS_PROXY and sends HF_TOKEN to the Hub as a bearer token', async () => {
    const model = await loadPretrained(SPEC, { cacheDir: cacheDir(), env: { HF_ENDPOINT: hub.endpoint, HTTP_PROXY: proxy.url, HF_TOKEN: 'hf_test' } });
    expect(model.checkpoint.sha256).toBe(sha256);
    // One tunnel per connection (the resolve request and its redirect).
    expect(proxy.seen.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.seen)).toEqual(new Set([`CONNECT ${new URL(hub.endpoint).host}`]));
    expect(hub.requests[0]).toMatchObject({ url: '/taptr-js/reference/resolve/main/checkpoint.pth', authorization: 'Bearer hf_test' });
    // A proxy that refuses is the offline message too.
    proxy.refuse = 502;
    try {
      const error = await loadPretrained(SPEC, {
        cacheDir: cacheDir(),
        env: { HF_ENDPOINT: hub.endpoint, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url },
      }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /^cannot reach .*502.*; offline or behind a proxy\? Download .* by hand, then run: taptr convert checkpoint\.pth/,
      );
    } finally {
      proxy.refuse = 0;
    }
  }, 120_000);

  it('refuses a configuration the checkpoint does not match, naming the differences', async () => {
    const error = await loadPretrained({ ...SPEC, config: RELEASED_CONFIG }, { cacheDir: cacheDir(), env: { HF_ENDPOINT: hub.endpoint } }).catch(
      (e: unknown) => e,
    );
    expect(isTaptrError(error, 'TAPTR_CHECKPOINT_MISMATCH')).toBe(true);
    expect((error as Error).message).toMatch(
      /^loadPretrained: taptr-reference: the checkpoint does not match its configuration: backbone stem width 8 \(config 64\), .*hidden_dim 64 \(config 256\)/,
    );
  });

  it('names the known ids for an unknown one, and a 401 without HF_TOKEN asks for it', async () => {
    await expect(loadPretrained('taptr-v9')).rejects.toThrow(
      new RangeError(`loadPretrained: model must be one of 'taptr-v1' (or a PretrainedModelSpec), got "taptr-v9"`),
    );
    hub.behaviour.status = 401;
    await expect(loadPretrained(SPEC, { cacheDir: cacheDir(), env: { HF_ENDPOINT: hub.endpoint } })).rejects.toThrow(
      /HTTP 401 Unauthorized \(a gated or private repository needs HF_TOKEN\)$/,
    );
  });
});
