// SPDX-License-Identifier: Apache-2.0
import { isBytesRange, isNumpyArrayRef, isTuple } from '@taptr/pickle';
import type { TapvidDatasetKind } from './dataset-kind.js';

/** What {@link inspectDatasetContent} found in a decoded pickle. */
export interface DatasetContent {
  /**
   * The dataset kinds whose files have this structure: `['kinetics']` (videos whose frames are
   * JPEG files, in a list or a dict), `['rgb_stacking']` (a list of videos with uint8 frames),
   * `['davis', 'robotap']` (a dict name -> video with uint8 frames: both datasets store exactly
   * this, so content cannot tell them apart), or `[]` when it is not a TAP-Vid dataset.
   */
  readonly kinds: readonly TapvidDatasetKind[];
  /** One line saying what was found, e.g. `dict of 2 videos with uint8 frames [12, 64, 80, 3]`. */
  readonly found: string;
}

const VIDEO_KEYS = ['video', 'points', 'occluded'] as const;

/**
 * Recognises a TAP-Vid dataset by the structure of its decoded pickle, cheaply: only the top-level
 * container, the first video's keys and its frame array's dtype and shape are looked at (plus the
 * first 2 bytes of its first JPEG frame); no frame is decoded and lazy array payloads stay unread.
 * What decides:
 * - `video` a non-empty 1-D NumPy bytes array (`S<n>`) whose first item starts with the JPEG
 *   start-of-image marker `FF D8` -> 'kinetics' (top level list, or dict as tapnet also accepts);
 * - `video` uint8 `[T, H, W, 3]` in a list -> 'rgb_stacking';
 * - `video` uint8 `[T, H, W, 3]` in a dict -> 'davis' or 'robotap' (same structure);
 * - anything else -> no kind, with a description of what the file holds.
 * The other videos and the `points` / `occluded` arrays are checked when each video is read.
 * @param root - the unpickled top-level object (NumPy arrays decoded or lazy references).
 */
export function inspectDatasetContent(root: unknown): DatasetContent {
  const none = (found: string): DatasetContent => ({ kinds: [], found });
  const isDict = isMap(root);
  if (!isDict && !isList(root)) return none(`top-level ${describePython(root)}`);
  const count = isDict ? root.size : root.length;
  const container = `${isDict ? 'dict' : 'list'} of ${count} ${count === 1 ? 'entry' : 'entries'}`;
  if (count === 0) return none(`top-level empty ${isDict ? 'dict' : 'list'}`);
  const [firstName, first] = isDict ? [...root.entries()][0]! : ['0', root[0]];
  const where = isDict ? `top-level ${container} whose first value (${describeKey(firstName)})` : `top-level ${container} whose first item`;
  if (!isMap(first)) return none(`${where} is ${withArticle(describePython(first))}`);
  const keys = [...first.keys()];
  if (!VIDEO_KEYS.every((k) => first.has(k))) return none(`${where} has keys [${listKeys(keys)}]`);
  const video = first.get('video');
  const frames = frameKind(video);
  if (frames === undefined) return none(`${where} has a 'video' that is ${withArticle(describePython(video))}, not uint8 [T, H, W, 3] frames nor JPEG bytes`);
  const videos = `${isDict ? 'dict' : 'list'} of ${count} ${count === 1 ? 'video' : 'videos'}`;
  if (frames === 'jpeg') return { kinds: ['kinetics'], found: `${videos} with JPEG frames (${describePython(video)})` };
  const withFrames = `${videos} with uint8 frames [${arrayDims(video)!.join(', ')}]`;
  return isDict ? { kinds: ['davis', 'robotap'], found: withFrames } : { kinds: ['rgb_stacking'], found: withFrames };
}

/** 'array' for uint8 [T, H, W, 3], 'jpeg' for a 1-D bytes array of JPEG files, else undefined. */
function frameKind(video: unknown): 'array' | 'jpeg' | undefined {
  const dims = arrayDims(video);
  if (dims === undefined) return undefined;
  if (arrayDType(video) === 'u1' && dims.length === 4 && dims[3] === 3) return 'array';
  if (dims.length !== 1 || dims[0] === 0 || !/^S\d*$/.test(arrayDType(video) ?? '')) return undefined;
  const head = firstItemHead(video);
  return head?.[0] === 0xff && head[1] === 0xd8 ? 'jpeg' : undefined;
}

/** Dims of a NumPy array (lazy reference, tensor, or decoded bytes array), else undefined. */
function arrayDims(value: unknown): readonly number[] | undefined {
  if (isNumpyArrayRef(value)) return value.dims;
  if (isTensorLike(value)) return value.dims;
  if (isList(value) && value.every((item) => item instanceof Uint8Array)) return [value.length];
  return undefined;
}

/** NumPy typestr (`u1`, `f4`, `S1850`...) of an array; decoded bytes arrays report `S`. */
function arrayDType(value: unknown): string | undefined {
  if (isNumpyArrayRef(value)) return value.dtype.typestr;
  if (isTensorLike(value)) return value.type === 'uint8' ? 'u1' : value.type;
  if (Array.isArray(value)) return 'S';
  return undefined;
}

/** The first 2 bytes of item 0 of a bytes array; reads only those from a lazy payload. */
function firstItemHead(value: unknown): Uint8Array | undefined {
  if (isNumpyArrayRef(value)) {
    const { payload, dtype } = value;
    const n = Math.min(2, dtype.itemsize, payload.length);
    return isBytesRange(payload) ? payload.source.read(payload.offset, n).slice() : undefined;
  }
  return Array.isArray(value) && value[0] instanceof Uint8Array ? value[0].subarray(0, 2) : undefined;
}

/** A Python list (an Array that is not a frozen tuple). */
function isMap(value: unknown): value is ReadonlyMap<unknown, unknown> {
  return value instanceof Map;
}

function isList(value: unknown): value is unknown[] {
  return Array.isArray(value) && !isTuple(value as unknown);
}

function isTensorLike(value: unknown): value is { readonly type: string; readonly dims: readonly number[] } {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as { dims?: unknown }).dims) && typeof (value as { type?: unknown }).type === 'string'
  );
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? `'${key.length > 40 ? `${key.slice(0, 37)}...` : key}'` : describePython(key);
}

function listKeys(keys: readonly unknown[]): string {
  const shown = keys.slice(0, 8).map((k) => (typeof k === 'string' ? k : describePython(k)));
  return keys.length > 8 ? `${shown.join(', ')}, ... (${keys.length} keys)` : shown.join(', ');
}

function withArticle(text: string): string {
  return text === 'None' ? text : `${/^[aeiou]/i.test(text) ? 'an' : 'a'} ${text}`;
}

/** Short Python-flavoured description of an unpickled value. */
function describePython(value: unknown): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof Uint8Array || isBytesRange(value)) return `bytes (${value.length} bytes)`;
  if (value instanceof Map) return `dict of ${value.size} entries`;
  if (value instanceof Set) return `set of ${value.size} items`;
  if (isNumpyArrayRef(value)) return `NumPy ${value.dtype.typestr} array [${value.dims.join(', ')}]`;
  if (isTensorLike(value)) return `NumPy ${value.type} array [${value.dims.join(', ')}]`;
  if (Array.isArray(value) && isTuple(value as unknown)) return `tuple of ${value.length} items`;
  if (isList(value)) {
    if (value.length > 0 && value.every((item) => item instanceof Uint8Array)) return `array of ${value.length} bytes items`;
    return `list of ${value.length} items`;
  }
  if (typeof value === 'object' && (value as { kind?: unknown }).kind === 'global') return 'Python global';
  return typeof value;
}
