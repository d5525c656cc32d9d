// SPDX-License-Identifier: Apache-2.0
import { describeValue, TaptrError } from '@taptr/tensor';

/** One stored video of a TAP-Vid pickle: its name and its `{video, points, occluded}` dict. */
export interface VideoEntry {
  /** Dict key (DAVIS, RoboTAP), or `<prefix><index>` for list datasets. */
  readonly name: string;
  /** The decoded per-video dict (values may still be lazy array references). */
  readonly record: ReadonlyMap<unknown, unknown>;
}

/**
 * Lists the videos of a decoded TAP-Vid pickle in stored order: dict insertion order (names =
 * keys) or list order (names = `prefix + index`).
 * @throws TaptrError `TAPTR_DATASET_FORMAT` when the top level is neither a dict nor a list of
 *   per-video dicts.
 */
export function listVideoEntries(root: unknown, source: string, prefix = ''): VideoEntry[] {
  const entries: [string, unknown][] =
    root instanceof Map
      ? [...root.entries()].map(([key, value]) => [String(key), value])
      : Array.isArray(root)
        ? root.map((value, i) => [`${prefix}${i}`, value])
        : [];
  if (!(root instanceof Map) && !Array.isArray(root)) {
    throw new TaptrError('TAPTR_DATASET_FORMAT', `${source}: expected a dict or list of videos at the top level, got ${describeValue(root)}`);
  }
  return entries.map(([name, record]) => {
    if (!(record instanceof Map)) {
      throw new TaptrError('TAPTR_DATASET_FORMAT', `${source}: video '${name}' must be a dict with keys video, points, occluded, got ${describeValue(record)}`);
    }
    return { name, record };
  });
}
