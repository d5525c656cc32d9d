// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes `files` into the folder `dir` so that a failure leaves nothing behind:
 * - `dir` does not exist: the files go into a hidden sibling folder that is renamed to `dir` at the
 *   end (parents created on the way are removed again on failure);
 * - `dir` exists: each file is written under a hidden temporary name beside its target and all are
 *   renamed into place at the end, in the order given (put the manifest last); on failure before the
 *   renames, the folder keeps exactly the files it had.
 * @param files - `[file name inside dir, contents]`, names without a path.
 * @throws the file system error (the caller wraps it into its own error).
 * @internal
 */
export async function writeFilesAtomically(dir: string, files: readonly (readonly [string, string | Uint8Array])[]): Promise<void> {
  const tag = `.taptr-partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  const existing = await stat(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing === undefined) {
    const parent = dirname(resolve(dir));
    const createdParent = await mkdir(parent, { recursive: true });
    const staging = join(parent, `.${basename(resolve(dir))}${tag}`);
    try {
      await mkdir(staging);
      for (const [name, data] of files) await writeFile(join(staging, name), data);
      await rename(staging, dir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      if (createdParent !== undefined) await rm(createdParent, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    return;
  }
  if (!existing.isDirectory()) throw Object.assign(new Error(`${dir} exists and is not a folder`), { code: 'ENOTDIR' });
  const staged: string[] = [];
  try {
    for (const [name] of files) {
      const target = await lstat(join(dir, name)).catch(() => undefined);
      if (target?.isDirectory()) throw Object.assign(new Error(`${join(dir, name)} is a folder`), { code: 'EISDIR' });
    }
    for (const [name, data] of files) {
      const path = join(dir, `.${name}${tag}`);
      staged.push(path);
      await writeFile(path, data);
    }
  } catch (error) {
    await Promise.all(staged.map((path) => rm(path, { force: true }).catch(() => undefined)));
    throw error;
  }
  for (const [i, [name]] of files.entries()) await rename(staged[i]!, join(dir, name));
}
