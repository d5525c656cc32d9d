// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { readNpy } from '../npy.js';
import type { TensorView } from '../tensor-view.js';

/**
 * Resolves a fixture folder: the environment variable `envVar` when set (absolute, or relative to
 * the current directory), otherwise `defaultDir`. Tests use this so that the same test runs on
 * any fixture set of the same format.
 */
export function fixtureDir(envVar: string, defaultDir: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv !== undefined && fromEnv !== '') return isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv);
  return defaultDir;
}

/** Reads and decodes a `.npy` file. */
export function loadNpy(...pathParts: string[]): TensorView {
  return readNpy(new Uint8Array(readFileSync(join(...pathParts))));
}

/** Reads and parses a JSON file; `T` is the caller's statement of the file's shape (unchecked, as with `JSON.parse`). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the one type argument is the point: `loadJson<Manifest>(dir, 'manifest.json')`
export function loadJson<T = unknown>(...pathParts: string[]): T {
  return JSON.parse(readFileSync(join(...pathParts), 'utf8')) as T;
}
