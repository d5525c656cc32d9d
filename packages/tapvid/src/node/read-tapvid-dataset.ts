// SPDX-License-Identifier: Apache-2.0
import { closeSync, openSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { numpyGlobals, unpickle } from '@taptr/pickle';
import { fileSource } from '@taptr/pickle/node';
import { invalidArgument, TaptrError } from '@taptr/tensor';
import { DATASET_KINDS, detectDatasetKind, type TapvidDatasetKind } from '../dataset/dataset-kind.js';
import { prepareTapvidVideo, type PrepareVideoOptions, type TapvidVideo } from '../dataset/prepare-video.js';
import { listVideoEntries, type VideoEntry } from '../dataset/video-entries.js';

/** Options of {@link readTapvidDataset}. */
export interface ReadTapvidOptions extends PrepareVideoOptions {
  /** Dataset kind; detected from the file or folder names when omitted. */
  readonly kind?: TapvidDatasetKind;
  /**
   * Bytes read from a pickle at a time; payloads of at least this size (capped at 64 KiB) stay in
   * the file until their video is read. Defaults to 1 MiB.
   */
  readonly chunkSize?: number;
}

const NUMPY = numpyGlobals({ lazy: true });

/** Lists the pickle files of a dataset path (file or folder) in reading order. */
export function listDatasetFiles(path: string, kind?: TapvidDatasetKind): { kind: TapvidDatasetKind; files: string[] } {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `readTapvidDataset: cannot read '${path}': ${(error as Error).message}`, { cause: error });
  }
  if (!stats.isDirectory()) {
    const detected = kind ?? detectDatasetKind(path);
    if (detected === undefined) throw unknownKind(path);
    return { kind: detected, files: [path] };
  }
  const pickles = readdirSync(path).filter((f) => f.endsWith('.pkl')).sort(naturalCompare);
  const shards = pickles.filter((f) => /_of_\d+\.pkl$/.test(f));
  const splits = pickles.filter((f) => /^robotap_split.*\.pkl$/.test(f));
  const resolved = kind ?? (shards.length > 0 ? 'kinetics' : splits.length > 0 ? 'robotap' : pickles.length === 1 ? detectDatasetKind(pickles[0]!) : undefined);
  if (resolved === undefined) throw unknownKind(path);
  const files = resolved === 'kinetics' && shards.length > 0 ? shards : resolved === 'robotap' && splits.length > 0 ? splits : pickles;
  if (files.length === 0) throw new TaptrError('TAPTR_DATASET_FORMAT', `readTapvidDataset: no .pkl files in '${path}'`);
  if ((resolved === 'davis' || resolved === 'rgb_stacking') && files.length !== 1) {
    throw new TaptrError('TAPTR_DATASET_FORMAT', `readTapvidDataset: expected one ${resolved} pickle in '${path}', found ${files.join(', ')}`);
  }
  return { kind: resolved, files: files.map((f) => join(path, f)) };
}

function unknownKind(path: string): TaptrError {
  return new TaptrError('TAPTR_DATASET_FORMAT', `readTapvidDataset: cannot tell the dataset kind of '${path}' from its name; pass { kind: ${DATASET_KINDS.map((k) => `'${k}'`).join(' | ')} }`);
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * Reads a TAP-Vid dataset (Node): TAP-Vid-DAVIS (`tapvid_davis.pkl`), RGB-Stacking
 * (`tapvid_rgb_stacking.pkl`), RoboTAP (a folder of `robotap_split*.pkl`, merged like
 * `dict.update`) or Kinetics (a folder of `NNNN_of_NNNN.pkl` shards, in name order), yielding one
 * evaluation-ready video at a time (see {@link prepareTapvidVideo}).
 *
 * Files are read by offsets in chunks: the pickle structure is decoded without the array payloads,
 * and each video's arrays are read only when that video is yielded, so a multi-GB DAVIS pickle is
 * never held in one buffer. Files stay open until the iteration ends (or is broken off).
 *
 * @param path - a pickle file or a folder of them.
 * @throws TaptrError `TAPTR_IO` (unreadable path), `TAPTR_DATASET_FORMAT` (unknown kind, bad
 *   structure), `TAPTR_PICKLE_FORMAT` / `TAPTR_PICKLE_FORBIDDEN` (bad or unsafe pickle).
 */
export async function* readTapvidDataset(path: string, options: ReadTapvidOptions = {}): AsyncGenerator<TapvidVideo, void, undefined> {
  if (typeof path !== 'string' || path === '') throw invalidArgument('type', 'readTapvidDataset', 'path', 'a file or folder path', String(path));
  if (options.kind !== undefined && !DATASET_KINDS.includes(options.kind)) {
    throw invalidArgument('range', 'readTapvidDataset', 'options.kind', DATASET_KINDS.map((k) => `'${k}'`).join(' | '), String(options.kind));
  }
  const chunkSize = options.chunkSize ?? 1 << 20;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw invalidArgument('range', 'readTapvidDataset', 'options.chunkSize', 'a positive integer', String(chunkSize));
  const { kind, files } = listDatasetFiles(path, options.kind);
  const decodeFile = (file: string, fd: number, prefix: string): VideoEntry[] => {
    const root = unpickle(fileSource(fd), { globals: NUMPY, chunkSize, lazyThreshold: Math.min(chunkSize, 65536) });
    return listVideoEntries(root, file, prefix);
  };
  const fds: number[] = [];
  try {
    if (kind === 'robotap') {
      // All splits merged like dict.update (a repeated name keeps its first position, last value).
      const merged = new Map<string, { entry: VideoEntry; file: string }>();
      for (const file of files) {
        const fd = openSync(file, 'r');
        fds.push(fd);
        for (const entry of decodeFile(file, fd, '')) merged.set(entry.name, { entry, file });
      }
      for (const { entry, file } of merged.values()) yield prepareTapvidVideo(entry, file, options);
    } else {
      for (const file of files) {
        const fd = openSync(file, 'r');
        fds.push(fd);
        const prefix = kind === 'kinetics' ? `${basename(file, '.pkl')}/` : '';
        for (const entry of decodeFile(file, fd, prefix)) yield prepareTapvidVideo(entry, file, options);
        closeSync(fds.pop()!);
      }
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
