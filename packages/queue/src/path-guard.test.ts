// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTaptrError } from '@taptr/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { createDigestCache } from './file-digest.js';
import { createPathGuard } from './path-guard.js';

const dir = mkdtempSync(join(tmpdir(), 'taptr-guard-'));
const root = join(dir, 'root');
mkdirSync(join(root, 'frames'), { recursive: true });
writeFileSync(join(root, 'data.bin'), 'dataset bytes');
writeFileSync(join(root, 'frames', 'f1.png'), 'one');
writeFileSync(join(root, 'frames', 'f2.png'), 'two');
writeFileSync(join(dir, 'secret.txt'), 'outside');
symlinkSync(join(dir, 'secret.txt'), join(root, 'link-out.txt'));
symlinkSync(join(root, 'data.bin'), join(dir, 'link-in.bin'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!isTaptrError(error)) throw error;
    return `${error.code}: ${error.message}`;
  }
  return 'accepted';
}

describe('createPathGuard', () => {
  it('allows files under a root and refuses everything else, links resolved', async () => {
    const guard = await createPathGuard([root]);
    expect(await guard.readable(join(root, 'data.bin'), 'dataset file')).toBe(join(root, 'data.bin'));
    expect(await code(guard.readable(join(dir, 'secret.txt'), 'dataset file'))).toBe(
      `TAPTR_PATH_FORBIDDEN: dataset file ${join(dir, 'secret.txt')} is outside --allow-root ${root}`,
    );
    expect(await code(guard.readable(join(root, '..', 'secret.txt'), 'model'))).toMatch(/^TAPTR_PATH_FORBIDDEN: model .* is outside --allow-root/);
    expect(await code(guard.readable(join(root, 'link-out.txt'), 'model'))).toBe(
      `TAPTR_PATH_FORBIDDEN: model ${join(root, 'link-out.txt')} (-> ${join(dir, 'secret.txt')}) is outside --allow-root ${root}`,
    );
    // A link outside the root is refused before the file system is asked (even when it points inside).
    expect(await code(guard.readable(join(dir, 'link-in.bin'), 'model'))).toMatch(/^TAPTR_PATH_FORBIDDEN/);
    expect(await code(guard.readable('data.bin', 'model'))).toMatch(/^TAPTR_PATH_FORBIDDEN/);
    expect(await code(guard.readable(join(root, 'missing.bin'), 'model'))).toBe(`TAPTR_IO: model ${join(root, 'missing.bin')}: no such file or folder`);
    expect(await guard.writable(join(root, 'out.json'), 'output')).toBe(join(root, 'out.json'));
    expect(await code(guard.writable(join(dir, 'out.json'), 'output'))).toMatch(/^TAPTR_PATH_FORBIDDEN: output/);
    expect(await code(guard.writable(join(root, 'link-out.txt'), 'output'))).toMatch(/^TAPTR_PATH_FORBIDDEN: output/);
    expect(await code(createPathGuard([join(dir, 'nope')]))).toMatch(/^TAPTR_IO: --allow-root .*nope: no such file or folder/);
  });

  it('verified: the sha256 of a file, or of a PNG folder, must be the job’s', async () => {
    const guard = await createPathGuard([root]);
    expect(await guard.verified({ path: join(root, 'data.bin'), sha256: sha('dataset bytes') }, 'dataset file')).toBe(join(root, 'data.bin'));
    expect(await code(guard.verified({ path: join(root, 'data.bin'), sha256: sha('another copy') }, 'dataset file'))).toBe(
      `TAPTR_CHECKSUM_MISMATCH: dataset file ${join(root, 'data.bin')}: sha256 here is ${sha('dataset bytes')}, the job's is ${sha('another copy')} (a different copy of the file; this worker refuses it)`,
    );
    const folder = sha(`f1.png\t${sha('one')}\nf2.png\t${sha('two')}\n`);
    expect(await createDigestCache().sha256(join(root, 'frames'))).toBe(folder);
    expect(await guard.verified({ path: join(root, 'frames'), sha256: folder }, 'video')).toBe(join(root, 'frames'));
  });

  it('the digest cache notices a changed file', async () => {
    const digests = createDigestCache();
    const file = join(root, 'changing.bin');
    writeFileSync(file, 'v1');
    expect(await digests.sha256(file)).toBe(sha('v1'));
    writeFileSync(file, 'v2 longer');
    expect(await digests.sha256(file)).toBe(sha('v2 longer'));
  });
});
