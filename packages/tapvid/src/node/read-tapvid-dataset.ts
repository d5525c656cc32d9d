// SPDX-License-Identifier: Apache-2.0
import { closeSync, openSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { numpyGlobals, unpickle } from '@taptr/pickle';
import { fileSource } from '@taptr/pickle/node';
import { describeValue, invalidArgument, isTaptrError, TaptrError } from '@taptr/tensor';
import { inspectDatasetContent, type DatasetContent } from '../dataset/dataset-content.js';
import { DATASET_KINDS, datasetKindFromName, type TapvidDatasetKind } from '../dataset/dataset-kind.js';
import { prepareTapvidVideo, type PrepareVideoOptions, type TapvidVideo } from '../dataset/prepare-video.js';
import { listVideoEntries, type VideoEntry } from '../dataset/video-entries.js';

/** Options of {@link readTapvidDataset}. */
export interface ReadTapvidOptions extends PrepareVideoOptions {
  /**
   * Dataset kind. When omitted it is recognised from the content (see
   * {@link inspectTapvidDataset}); when given, content recognised as another kind is refused.
   */
  readonly kind?: TapvidDatasetKind;
  /**
   * Bytes read from a pickle at a time; payloads of at least this size (capped at 64 KiB) stay in
   * the file until their video is read. Defaults to 1 MiB.
   */
  readonly chunkSize?: number;
}

/** What {@link inspectTapvidDataset} found in a dataset path. */
export interface TapvidDatasetInspection {
  /** The dataset kind, or undefined when the content is not a TAP-Vid dataset (`found` says what it is). */
  readonly kind: TapvidDatasetKind | undefined;
  /** The pickle files of the dataset in reading order (the path itself for a file). */
  readonly files: readonly string[];
  /** One line saying what the content is, e.g. `dict of 30 videos with uint8 frames [50, 480, 854, 3]`. */
  readonly found: string;
  /** False when a file is not a pickle at all (no kind can be forced on it). */
  readonly pickle: boolean;
}

const NUMPY = numpyGlobals({ lazy: true });
/** Root of a file that is no pickle at all. */
const NOT_A_PICKLE = Symbol('not a pickle');
const DEFAULT_CHUNK = 1 << 20;

/** The structure each kind's pickles hold (for mismatch messages). */
const STRUCTURE: Readonly<Record<TapvidDatasetKind, string>> = {
  davis: 'a dict of videos with uint8 frames',
  robotap: 'dicts of videos with uint8 frames',
  rgb_stacking: 'a list of videos with uint8 frames',
  kinetics: 'videos whose frames are JPEG bytes',
};

/** One pickle opened and decoded down to its structure (array payloads left in the file). */
interface OpenedPickle {
  readonly path: string;
  readonly fd: number;
  readonly root: unknown;
  readonly content: DatasetContent;
}

/** A dataset path opened: its kind (undefined when unrecognised) and its pickles, still open. */
interface OpenedDataset {
  readonly kind: TapvidDatasetKind | undefined;
  readonly found: string;
  readonly pickles: readonly OpenedPickle[];
}

/**
 * Recognises the TAP-Vid dataset at `path` (a pickle file or a folder of them) by CONTENT, whatever
 * the files are called. Each pickle is decoded down to its structure only (array payloads are
 * skipped, no frame is read or decoded) and {@link inspectDatasetContent} looks at its top-level
 * container, its first video's keys and frame dtype:
 * - JPEG-bytes frames -> 'kinetics' (a file, or a folder of such shards read in natural name order);
 * - a list of uint8-frame videos -> 'rgb_stacking' (one pickle);
 * - a dict of uint8-frame videos -> 'davis' or 'robotap', which store exactly the same structure:
 *   a folder of several such pickles is RoboTAP (splits, merged); a single one is 'robotap' when its
 *   name contains `robotap`, else 'davis'. This is the only place a file name counts, and both
 *   kinds are read identically.
 * A folder's `.pkl` files must all hold the same kind. With `kind`, recognition is skipped unless
 * the content contradicts it: a pickle recognised as another kind, or a file that is no pickle, is
 * refused; an unrecognised pickle is read as `kind`, each video's keys, dtypes and shapes checked
 * as it is read.
 * @returns the kind, or `kind: undefined` with `found` describing the content when it is not a
 *   TAP-Vid dataset (e.g. `top-level dict of 3 entries whose first value ('a') has keys [x, y]`).
 * @throws TaptrError `TAPTR_IO` (unreadable path), `TAPTR_PICKLE_FORMAT` / `TAPTR_PICKLE_FORBIDDEN`
 *   (truncated, corrupt or unsafe pickle; names the file), `TAPTR_DATASET_FORMAT` (no pickle in a
 *   folder, pickles of different kinds, or content that contradicts `kind`).
 */
export function inspectTapvidDataset(path: string, kind?: TapvidDatasetKind): TapvidDatasetInspection {
  checkPathAndKind('inspectTapvidDataset', path, kind);
  // Payloads of 64 KiB and more are skipped unread; small chunks keep the reads near the structure.
  const dataset = openDataset(path, kind, 65536);
  for (const p of dataset.pickles) closeSync(p.fd);
  return { kind: dataset.kind, files: dataset.pickles.map((p) => p.path), found: dataset.found, pickle: dataset.pickles.every((p) => p.root !== NOT_A_PICKLE) };
}

/**
 * Lists the pickle files of a dataset path (file or folder) in reading order, with its kind
 * recognised by content as {@link inspectTapvidDataset} does.
 * @throws TaptrError `TAPTR_DATASET_FORMAT` when the content is not a TAP-Vid dataset, and
 *   whatever {@link inspectTapvidDataset} throws.
 */
export function listDatasetFiles(path: string, kind?: TapvidDatasetKind): { kind: TapvidDatasetKind; files: string[] } {
  const inspection = inspectTapvidDataset(path, kind);
  if (inspection.kind === undefined) throw unrecognised(path, inspection.found);
  return { kind: inspection.kind, files: [...inspection.files] };
}

function unrecognised(path: string, found: string): TaptrError {
  return new TaptrError(
    'TAPTR_DATASET_FORMAT',
    `cannot recognise a TAP-Vid dataset in '${path}': ${found} (or set options.kind to ${DATASET_KINDS.map((k) => `'${k}'`).join(' | ')})`,
  );
}

function checkPathAndKind(fn: string, path: string, kind: TapvidDatasetKind | undefined): void {
  if (typeof path !== 'string' || path === '') throw invalidArgument('type', fn, 'path', 'a file or folder path', describeValue(path));
  if (kind !== undefined && !DATASET_KINDS.includes(kind)) {
    throw invalidArgument('range', fn, 'kind', DATASET_KINDS.map((k) => `'${k}'`).join(' | '), describeValue(kind));
  }
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Opens `path` and decodes its pickles' structure; the caller closes the returned descriptors. */
function openDataset(path: string, forced: TapvidDatasetKind | undefined, chunkSize: number): OpenedDataset {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `cannot read '${path}': ${(error as Error).message}`, { cause: error });
  }
  let names: string[];
  if (stats.isDirectory()) {
    names = readdirSync(path)
      .filter((f) => f.toLowerCase().endsWith('.pkl'))
      .sort(naturalCompare)
      .map((f) => join(path, f));
    if (names.length === 0) throw new TaptrError('TAPTR_DATASET_FORMAT', `no .pkl files in '${path}'`);
  } else {
    names = [path];
  }
  const pickles: OpenedPickle[] = [];
  try {
    for (const name of names) pickles.push(openPickle(name, chunkSize));
    return { ...resolveKind(path, stats.isDirectory(), pickles, forced), pickles };
  } catch (error) {
    for (const p of pickles) closeSync(p.fd);
    throw error;
  }
}

/** Opens one pickle and decodes its structure (payloads stay in the file); errors name the file. */
function openPickle(path: string, chunkSize: number): OpenedPickle {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `cannot read '${path}': ${(error as Error).message}`, { cause: error });
  }
  try {
    const source = fileSource(fd);
    const head = source.read(0, Math.min(4, source.size));
    if (head[0] !== 0x80) {
      // Protocol 2+ pickles (every TAP-Vid file) begin with PROTO (0x80): this is no pickle at all.
      const bytes = head.length === 0 ? 'an empty file' : `a file starting with bytes ${[...head].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
      return { path, fd, root: NOT_A_PICKLE, content: { kinds: [], found: `not a pickle (${bytes}; pickles begin with 80)` } };
    }
    const root = unpickle(source, { globals: NUMPY, chunkSize, lazyThreshold: Math.min(chunkSize, 65536) });
    return { path, fd, root, content: inspectDatasetContent(root) };
  } catch (error) {
    closeSync(fd);
    if (isTaptrError(error)) throw new TaptrError(error.code, `${path}: ${error.message}`, { cause: error });
    throw new TaptrError('TAPTR_PICKLE_FORMAT', `${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Decides the kind of opened pickles (see {@link inspectTapvidDataset}). */
function resolveKind(
  path: string,
  folder: boolean,
  pickles: readonly OpenedPickle[],
  forced: TapvidDatasetKind | undefined,
): { kind: TapvidDatasetKind | undefined; found: string } {
  const label = (p: OpenedPickle): string => (folder ? basename(p.path) : p.path);
  const found = folder ? pickles.map((p) => `${label(p)}: ${p.content.found}`).join('; ') : pickles[0]!.content.found;
  if (forced !== undefined) {
    for (const p of pickles) {
      // Recognition is skipped, but content that contradicts the forced kind is refused.
      if (p.root === NOT_A_PICKLE || (p.content.kinds.length > 0 && !p.content.kinds.includes(forced))) {
        throw new TaptrError('TAPTR_DATASET_FORMAT', `'${p.path}' is not a ${forced} dataset (${STRUCTURE[forced]}); found ${p.content.found}`);
      }
    }
    if ((forced === 'davis' || forced === 'rgb_stacking') && pickles.length !== 1) {
      throw new TaptrError('TAPTR_DATASET_FORMAT', `a ${forced} dataset is one pickle, '${path}' holds ${pickles.length}: ${pickles.map(label).join(', ')}`);
    }
    return { kind: forced, found };
  }
  const unknown = pickles.find((p) => p.content.kinds.length === 0);
  if (unknown !== undefined) return { kind: undefined, found: folder ? `${label(unknown)}: ${unknown.content.found}` : unknown.content.found };
  const layout = (p: OpenedPickle): string => p.content.kinds.join(' or ');
  const layouts = new Set(pickles.map(layout));
  if (layouts.size > 1) {
    throw new TaptrError('TAPTR_DATASET_FORMAT', `'${path}' mixes pickles of different kinds: ${pickles.map((p) => `${label(p)} (${layout(p)})`).join(', ')}`);
  }
  const kinds = pickles[0]!.content.kinds;
  if (kinds.length === 1) {
    if (kinds[0] === 'rgb_stacking' && pickles.length > 1) {
      throw new TaptrError(
        'TAPTR_DATASET_FORMAT',
        `'${path}' holds ${pickles.length} lists of uint8-frame videos (${pickles.map(label).join(', ')}); RGB-Stacking is one pickle`,
      );
    }
    return { kind: kinds[0], found };
  }
  // A dict of uint8-frame videos: DAVIS and RoboTAP store the same structure.
  if (pickles.length > 1) return { kind: 'robotap', found };
  return { kind: datasetKindFromName(pickles[0]!.path) === 'robotap' ? 'robotap' : 'davis', found };
}

/**
 * Reads a TAP-Vid dataset (Node): TAP-Vid-DAVIS, RGB-Stacking, RoboTAP (a folder of splits, merged
 * like `dict.update`) or Kinetics (a shard file or a folder of shards, in natural name order),
 * recognised by content whatever the files are called (see {@link inspectTapvidDataset}), yielding
 * one evaluation-ready video at a time (see {@link prepareTapvidVideo}).
 *
 * Files are read by offsets in chunks: the pickle structure is decoded without the array payloads,
 * and each video's arrays are read only when that video is yielded, so a multi-GB DAVIS pickle is
 * never held in one buffer. Files stay open until the iteration ends (or is broken off).
 *
 * @param path - a pickle file or a folder of them.
 * @throws TaptrError `TAPTR_IO` (unreadable path), `TAPTR_DATASET_FORMAT` (not a TAP-Vid dataset,
 *   content not of `options.kind`, bad keys, dtypes or shapes; names the file and the video),
 *   `TAPTR_PICKLE_FORMAT` / `TAPTR_PICKLE_FORBIDDEN` (truncated, corrupt or unsafe pickle; names
 *   the file), `TAPTR_VIDEO_FORMAT` (an undecodable JPEG frame; names the file, video and frame).
 */
export async function* readTapvidDataset(path: string, options: ReadTapvidOptions = {}): AsyncGenerator<TapvidVideo, void, undefined> {
  checkPathAndKind('readTapvidDataset', path, options.kind);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw invalidArgument('range', 'readTapvidDataset', 'options.chunkSize', 'a positive integer', String(chunkSize));
  const dataset = openDataset(path, options.kind, chunkSize);
  const open = new Set(dataset.pickles.map((p) => p.fd));
  try {
    if (dataset.kind === undefined) throw unrecognised(path, dataset.found);
    if (dataset.kind === 'robotap') {
      // All splits merged like dict.update (a repeated name keeps its first position, last value).
      const merged = new Map<string, { entry: VideoEntry; file: string }>();
      for (const p of dataset.pickles) for (const entry of listVideoEntries(p.root, p.path, '')) merged.set(entry.name, { entry, file: p.path });
      for (const { entry, file } of merged.values()) yield prepareTapvidVideo(entry, file, options);
    } else {
      for (const p of dataset.pickles) {
        for (const entry of listVideoEntries(p.root, p.path, entryPrefix(dataset.kind, p.path))) yield prepareTapvidVideo(entry, p.path, options);
        closeSync(p.fd);
        open.delete(p.fd);
      }
    }
  } finally {
    for (const fd of open) closeSync(fd);
  }
}

/** One video of a dataset in {@link readTapvidDataset}'s order (see {@link indexTapvidDataset}). */
export interface TapvidVideoLocation {
  /** The name `readTapvidDataset` gives it. */
  readonly name: string;
  /** The pickle file holding it. */
  readonly file: string;
  /** Its position in that file's stored order. */
  readonly position: number;
}

/**
 * Lists the videos of a dataset in the order {@link readTapvidDataset} yields them (same names,
 * RoboTAP splits merged the same way), with the file and position of each, without reading any
 * frame: what a distributed run needs to hand out one video per job and read it back with
 * {@link readTapvidVideoAt}.
 * @throws as {@link inspectTapvidDataset}, and `TAPTR_DATASET_FORMAT` when not a TAP-Vid dataset.
 */
export function indexTapvidDataset(path: string, kind?: TapvidDatasetKind): { kind: TapvidDatasetKind; files: string[]; videos: TapvidVideoLocation[] } {
  checkPathAndKind('indexTapvidDataset', path, kind);
  const dataset = openDataset(path, kind, 65536);
  try {
    if (dataset.kind === undefined) throw unrecognised(path, dataset.found);
    const videos: TapvidVideoLocation[] = [];
    if (dataset.kind === 'robotap') {
      // dict.update: a repeated name keeps its first position in the order, and the last split's video.
      const merged = new Map<string, TapvidVideoLocation>();
      for (const p of dataset.pickles)
        listVideoEntries(p.root, p.path, '').forEach((e, position) => merged.set(e.name, { name: e.name, file: p.path, position }));
      videos.push(...merged.values());
    } else {
      for (const p of dataset.pickles)
        listVideoEntries(p.root, p.path, entryPrefix(dataset.kind, p.path)).forEach((e, position) => videos.push({ name: e.name, file: p.path, position }));
    }
    return { kind: dataset.kind, files: dataset.pickles.map((p) => p.path), videos };
  } finally {
    for (const p of dataset.pickles) closeSync(p.fd);
  }
}

/**
 * Reads one video of a dataset (a location from {@link indexTapvidDataset}) exactly as
 * {@link readTapvidDataset} prepares it, reading only that video's arrays.
 * @param file - the pickle holding the video; `options.kind` is the dataset's kind (its names depend on it).
 * @param position - the video's position in the file.
 * @param options.name - when given, the video found there must have this name.
 * @throws TaptrError `TAPTR_DATASET_FORMAT` when the position is past the file's videos or the name differs; as {@link readTapvidDataset}.
 */
export function readTapvidVideoAt(
  file: string,
  position: number,
  options: PrepareVideoOptions & { readonly kind: TapvidDatasetKind; readonly name?: string },
): TapvidVideo {
  checkPathAndKind('readTapvidVideoAt', file, options.kind);
  if (!Number.isSafeInteger(position) || position < 0)
    throw invalidArgument('range', 'readTapvidVideoAt', 'position', 'a non-negative integer', String(position));
  const pickle = openPickle(file, DEFAULT_CHUNK);
  try {
    if (pickle.root === NOT_A_PICKLE) throw new TaptrError('TAPTR_DATASET_FORMAT', `'${file}' is ${pickle.content.found}`);
    const entries = listVideoEntries(pickle.root, file, entryPrefix(options.kind, file));
    const entry = entries[position];
    if (entry === undefined) throw new TaptrError('TAPTR_DATASET_FORMAT', `'${file}' holds ${entries.length} videos, no video at position ${position}`);
    if (options.name !== undefined && entry.name !== options.name)
      throw new TaptrError('TAPTR_DATASET_FORMAT', `'${file}': the video at position ${position} is '${entry.name}', not '${options.name}'`);
    return prepareTapvidVideo(entry, file, options);
  } finally {
    closeSync(pickle.fd);
  }
}

/** Name prefix of a file's videos: Kinetics list entries are named `<shard>/<index>`. */
function entryPrefix(kind: TapvidDatasetKind, file: string): string {
  return kind === 'kinetics' ? `${basename(file).replace(/\.pkl$/i, '')}/` : '';
}
