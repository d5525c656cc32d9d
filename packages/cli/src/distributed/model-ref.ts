// SPDX-License-Identifier: Apache-2.0
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DigestCache, ModelRef } from '@taptr/queue';
import { TaptrError } from '@taptr/tensor';

/** The `--model` / `--config` / `--baseline` options of a command. */
export interface ModelOptions {
  readonly model?: string;
  readonly config?: string;
  readonly baseline?: 'stationary';
}

/**
 * The model of a queued job, as the submitter sees it: absolute paths and the sha256 a worker must
 * find (a converted folder: its `model.json`, which lists every graph's sha256; a checkpoint: its
 * bytes and its `--config`). Checks that every path is reachable as given.
 * @throws TaptrError `TAPTR_IO` naming the option when a path cannot be read, `TAPTR_INVALID_ARGUMENT` for `--config` with a folder.
 */
export async function describeModel(options: ModelOptions, digests: DigestCache): Promise<ModelRef> {
  if (options.baseline !== undefined) return { kind: 'baseline', name: options.baseline };
  if (options.model === undefined) throw new TaptrError('TAPTR_INVALID_ARGUMENT', '--model is required');
  const path = resolve(options.model);
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `--model ${options.model}: no such file or folder`, { cause: error });
  }
  if (isDir) {
    if (options.config !== undefined)
      throw new TaptrError(
        'TAPTR_INVALID_ARGUMENT',
        `--config applies to a .pth checkpoint; ${options.model} is a converted model folder that holds its own configuration`,
      );
    const sha256 = await digests.sha256(join(path, 'model.json')).catch((error: unknown) => {
      throw new TaptrError('TAPTR_IO', `--model ${options.model}: no readable model.json (a folder written by taptr convert)`, { cause: error });
    });
    return { kind: 'folder', path, sha256 };
  }
  const sha256 = await digests.sha256(path);
  if (options.config === undefined) return { kind: 'checkpoint', path, sha256 };
  const config = resolve(options.config);
  const configSha = await digests.sha256(config).catch((error: unknown) => {
    throw new TaptrError('TAPTR_IO', `--config ${options.config}: cannot read`, { cause: error });
  });
  return { kind: 'checkpoint', path, sha256, config: { path: config, sha256: configSha } };
}
