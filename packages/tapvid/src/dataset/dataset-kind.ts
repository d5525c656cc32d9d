// SPDX-License-Identifier: Apache-2.0

/**
 * The TAP-Vid pickle datasets: 'davis' (`tapvid_davis.pkl`, dict name -> video), 'rgb_stacking'
 * (`tapvid_rgb_stacking.pkl`, list), 'robotap' (`robotap_split*.pkl`, dicts merged), 'kinetics'
 * (`NNNN_of_NNNN.pkl` shards, lists of JPEG-frame videos).
 */
export type TapvidDatasetKind = 'davis' | 'rgb_stacking' | 'robotap' | 'kinetics';

/** All dataset kinds. */
export const DATASET_KINDS: readonly TapvidDatasetKind[] = Object.freeze(['davis', 'rgb_stacking', 'robotap', 'kinetics']);

/**
 * Guesses the dataset kind from a pickle file name (`tapvid_davis.pkl`, `robotap_split0.pkl`,
 * `0000_of_0010.pkl`, ...), or undefined when the name says nothing.
 */
export function detectDatasetKind(fileName: string): TapvidDatasetKind | undefined {
  const base = fileName.split(/[\\/]/).pop()!.toLowerCase();
  if (/^\d+_of_\d+\.pkl$/.test(base) || base.includes('kinetics')) return 'kinetics';
  if (base.includes('robotap')) return 'robotap';
  if (base.includes('rgb_stacking') || base.includes('rgb-stacking')) return 'rgb_stacking';
  if (base.includes('davis')) return 'davis';
  return undefined;
}
