// SPDX-License-Identifier: Apache-2.0
// `taptr track --model taptr-v1`: the model id downloaded from the Hub ($HF_ENDPOINT: a fake Hub on
// 127.0.0.1 serving the reference fixture checkpoint as HYeungLee/TAPTR-Series/taptrv1.pth; taptr-v1
// has no pinned sha256, so the fixture is trusted on first use), converted and cached in
// $TAPTR_CACHE, with progress bars; then the same command again from the cache, offline too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTracksFile } from '@taptr/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHub, type FakeHub } from '@taptr/fixtures';
import type { CliIo } from '../src/cli-io.js';
import { main } from '../src/main.js';
import { runCli } from '../src/test-io.js';
import { REFERENCE_FIXTURES as REF } from './reference-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'taptr-pretrained-cli-'));
const checkpoint = new Uint8Array(readFileSync(join(REF, 'checkpoint.pth')));
let hub: FakeHub;
let closedEndpoint: string;

beforeAll(async () => {
  hub = await startFakeHub();
  hub.serve('HYeungLee/TAPTR-Series', 'main', 'taptrv1.pth', checkpoint);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedEndpoint = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `taptr` in-process with a stderr that claims to be a terminal (so the progress bars are drawn). */
async function runWithTerminal(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (s: string) => (stdout += s), isTTY: false }, stderr: { write: (s: string) => (stderr += s), isTTY: true }, env };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('taptr track --model taptr-v1', () => {
  it('downloads, converts and caches on first use with progress bars; the second run uses the cache (no request, offline too); tracks equal the checkpoint run', async () => {
    const cache = join(dir, 'cache');
    const env = { HF_ENDPOINT: hub.endpoint, TAPTR_CACHE: cache };
    const args = (out: string) => ['track', join(REF, 'video.npy'), '--model', 'taptr-v1', '--config', join(REF, 'config.json'), '--grid', '3', '--out', out];
    const first = await runWithTerminal(args(join(dir, 'first.json')), env);
    expect(first.stderr).not.toMatch(/^taptr/m);
    expect(first.code).toBe(0);
    expect(hub.requests.map((r) => r.url)).toEqual(['/HYeungLee/TAPTR-Series/resolve/main/taptrv1.pth', '/lfs/HYeungLee/TAPTR-Series/taptrv1.pth']);
    // The bars: the download in MB, then the conversion in steps, then tracking in frames.
    expect(first.stderr).toMatch(/model +\[[^\]]*\] 100% \| 3\.8\/3\.8 MB/);
    expect(first.stderr).toMatch(/convert \[[^\]]*\] 100% \| 4\/4 steps/);
    expect(first.stderr).toMatch(/track +\[[^\]]*\] 100% \| 50\/50 frames/);
    const firstFile = readTracksFile(readFileSync(join(dir, 'first.json')));
    expect(firstFile.model).toMatchObject({ name: 'taptr-v1', format: 'taptr-js-model', pretrained: { id: 'taptr-v1', trust: 'first-use', cached: false } });
    expect((firstFile.model!['path'] as string).startsWith(join(cache, 'models', 'taptr-v1-'))).toBe(true);

    hub.reset();
    const second = await runWithTerminal(args(join(dir, 'second.json')), { ...env, HF_ENDPOINT: closedEndpoint });
    expect(second.code).toBe(0);
    expect(hub.requests).toEqual([]);
    expect(second.stderr).not.toMatch(/model +\[|convert \[/);
    const secondFile = readTracksFile(readFileSync(join(dir, 'second.json')));
    expect(secondFile.model).toMatchObject({ pretrained: { trust: 'recorded', cached: true } });
    expect(secondFile.tracks).toEqual(firstFile.tracks);

    // The same model as the checkpoint given directly.
    const direct = await runCli([
      'track',
      join(REF, 'video.npy'),
      '--model',
      join(REF, 'checkpoint.pth'),
      '--config',
      join(REF, 'config.json'),
      '--grid',
      '3',
      '--out',
      join(dir, 'direct.json'),
    ]);
    expect(direct.code).toBe(0);
    expect(readTracksFile(readFileSync(join(dir, 'direct.json'))).tracks).toEqual(firstFile.tracks);
  }, 180_000);

  it('offline with an empty cache: one line with the URL to download by hand and the taptr convert command, exit 1', async () => {
    const run = await runCli(['track', join(REF, 'video.npy'), '--model', 'taptr-v1', '--grid', '2', '--out', join(dir, 'offline.json')], {
      HF_ENDPOINT: closedEndpoint,
      TAPTR_CACHE: join(dir, 'empty-cache'),
    });
    const url = `${closedEndpoint}/HYeungLee/TAPTR-Series/resolve/main/taptrv1.pth`;
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(
      `taptr track: cannot reach ${url}: ECONNREFUSED; offline or behind a proxy? Download ${url} by hand, then run: taptr convert taptrv1.pth --out models/taptr-v1 (and use --model models/taptr-v1), or set HTTPS_PROXY / HF_ENDPOINT\n`,
    );
  });

  it('an unknown bare name says which model ids exist', async () => {
    const run = await runCli(['track', join(REF, 'video.npy'), '--model', 'taptr-v7', '--grid', '2', '--out', join(dir, 'x.json')]);
    expect(run).toMatchObject({ code: 1, stderr: 'taptr track: --model taptr-v7: no such file or folder (nor a model id: taptr-v1)\n' });
  });
});
