// SPDX-License-Identifier: Apache-2.0
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { invalidArgument, TaptrError } from '@taptr/tensor';
import { createDigestCache, type DigestCache } from './file-digest.js';
import type { FileRef } from './job-payload.js';

/** What a worker may touch: files under its `--allow-root` folders, with the sha256 the job names. */
export interface PathGuard {
  /** The allowed roots, resolved (symbolic links followed). */
  readonly roots: readonly string[];
  /**
   * Resolves `path` (symbolic links followed) and returns it when it lies inside a root.
   * @param what - what to name in the message, e.g. `dataset file`.
   * @throws TaptrError `TAPTR_PATH_FORBIDDEN` outside every root, `TAPTR_IO` when it does not exist.
   */
  readable(path: string, what: string): Promise<string>;
  /** Like {@link readable} for a file that may not exist yet: its folder must exist and lie inside a root. */
  writable(path: string, what: string): Promise<string>;
  /**
   * {@link readable}, then checks the file's (or PNG folder's) sha256 against the job's.
   * @throws TaptrError `TAPTR_CHECKSUM_MISMATCH` when the bytes here differ from the submitter's.
   */
  verified(ref: FileRef, what: string): Promise<string>;
}

/**
 * Creates the {@link PathGuard} of a worker.
 * @param roots - allowed folders (at least one); relative ones are resolved against the current folder.
 * @param digests - sha256 cache shared by the worker's jobs (default: a new one).
 * @throws TypeError / RangeError for an empty list; TaptrError `TAPTR_IO` when a root does not exist.
 */
export async function createPathGuard(roots: readonly string[], digests: DigestCache = createDigestCache()): Promise<PathGuard> {
  const isArray: boolean = Array.isArray(roots); // a boolean, not a guard: Array.isArray narrows a readonly array to any[]
  if (!isArray || roots.length === 0)
    throw invalidArgument('range', 'createPathGuard', 'roots', 'a non-empty array of folders', isArray ? 'an empty array' : typeof roots);
  const given = roots.map((root) => resolve(root));
  const resolved: string[] = [];
  for (const root of given) resolved.push(await real(root, '--allow-root'));
  const under = (list: readonly string[], path: string): boolean =>
    list.some((root) => {
      const rel = relative(root, path);
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    });
  // Before touching the file system the path as written must be under a root (as given or resolved);
  // after resolving every link, the file itself must be under a resolved root.
  const inside = (path: string): boolean => under(resolved, path);
  const insideAsWritten = (path: string): boolean => under(given, path) || under(resolved, path);
  const forbidden = (what: string, path: string, resolvedPath: string): TaptrError =>
    new TaptrError(
      'TAPTR_PATH_FORBIDDEN',
      `${what} ${path}${resolvedPath !== path ? ` (-> ${resolvedPath})` : ''} is outside --allow-root ${resolved.join(', ')}`,
    );
  const guard: PathGuard = {
    roots: resolved,
    async readable(path, what) {
      if (!isAbsolute(path)) throw forbidden(what, path, path);
      const lexical = resolve(path);
      if (!insideAsWritten(lexical)) throw forbidden(what, path, lexical);
      const target = await real(lexical, what);
      if (!inside(target)) throw forbidden(what, path, target);
      return target;
    },
    async writable(path, what) {
      if (!isAbsolute(path) || !insideAsWritten(resolve(path))) throw forbidden(what, path, path);
      const folder = await real(dirname(resolve(path)), `${what} folder`);
      const target = join(folder, basename(path));
      const finalTarget = await realpath(target).catch(() => target);
      if (!inside(finalTarget)) throw forbidden(what, path, finalTarget);
      return finalTarget;
    },
    async verified(ref, what) {
      const path = await guard.readable(ref.path, what);
      const actual = await digests.sha256(path);
      if (actual !== ref.sha256) {
        throw new TaptrError(
          'TAPTR_CHECKSUM_MISMATCH',
          `${what} ${ref.path}: sha256 here is ${actual}, the job's is ${ref.sha256} (a different copy of the file; this worker refuses it)`,
        );
      }
      return path;
    },
  };
  return guard;
}

async function real(path: string, what: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    throw new TaptrError(
      'TAPTR_IO',
      `${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)}`,
      { cause: error },
    );
  }
}
