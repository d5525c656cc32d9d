// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TaptrError } from '@taptr/tensor';

/** sha256 of files, remembered while a file's identity (device, inode, size, times) is unchanged. */
export interface DigestCache {
  /**
   * sha256 (hex) of a file's bytes; of a folder, sha256 of the lines `<name>\t<sha256>\n` of every
   * regular file directly inside it, sorted by name (a folder of PNG frames).
   * @throws TaptrError `TAPTR_IO` when the path cannot be read.
   */
  sha256(path: string): Promise<string>;
}

/** Creates a {@link DigestCache} (one per process: a worker hashes each dataset file once). */
export function createDigestCache(): DigestCache {
  const cache = new Map<string, { id: string; sha256: string }>();
  const fileSha = async (path: string, id: string): Promise<string> => {
    const hit = cache.get(path);
    if (hit?.id === id) return hit.sha256;
    const sha256 = await hashStream(path);
    cache.set(path, { id, sha256 });
    return sha256;
  };
  return {
    async sha256(path) {
      const info = await statOrFail(path);
      if (!info.isDirectory()) return fileSha(path, identity(info));
      let names: string[];
      try {
        names = (await readdir(path, { withFileTypes: true }))
          .filter((e) => e.isFile())
          .map((e) => e.name)
          .sort();
      } catch (error) {
        throw ioError(path, error);
      }
      const hash = createHash('sha256');
      for (const name of names) {
        const file = join(path, name);
        hash.update(`${name}\t${await fileSha(file, identity(await statOrFail(file)))}\n`);
      }
      return hash.digest('hex');
    },
  };
}

async function statOrFail(path: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path);
  } catch (error) {
    throw ioError(path, error);
  }
}

function identity(info: Awaited<ReturnType<typeof stat>>): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}

function hashStream(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', (error) => reject(ioError(path, error)))
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function ioError(path: string, error: unknown): TaptrError {
  return new TaptrError('TAPTR_IO', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
}
