// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import type { ModelFileReader } from '../format/model-file-reader.js';

/**
 * A `ModelFileReader` over a model folder on disk, for `loadTaptrModel(fsModelReader(dir), { where: dir })`.
 * @throws TypeError when `dir` is not a non-empty path.
 */
export function fsModelReader(dir: string): ModelFileReader {
  if (typeof dir !== 'string' || dir === '') throw invalidArgument('type', 'fsModelReader', 'dir', 'a folder path', describeValue(dir));
  return async (name) => {
    const path = join(dir, name);
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      throw new TaptrError('TAPTR_IO', `loadTaptrModel: cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  };
}
