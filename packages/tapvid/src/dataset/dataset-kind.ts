// SPDX-License-Identifier: Apache-2.0

/**
 * The TAP-Vid pickle datasets: 'davis' (one pickle, dict name -> video), 'rgb_stacking' (one
 * pickle, list of videos), 'robotap' (several split pickles, dicts merged), 'kinetics' (shard
 * pickles, lists of videos whose frames are JPEG files).
 */
export type TapvidDatasetKind = 'davis' | 'rgb_stacking' | 'robotap' | 'kinetics';

/** All dataset kinds. */
export const DATASET_KINDS: readonly TapvidDatasetKind[] = Object.freeze(['davis', 'rgb_stacking', 'robotap', 'kinetics']);

/**
 * What a pickle file's NAME suggests (`tapvid_davis.pkl`, `robotap_split0.pkl`, `0000_of_0010.pkl`,
 * ...), or undefined when the name says nothing. Only a tie-break: the readers decide by content
 * (see `inspectDatasetContent`) and use the name only between 'davis' and 'robotap', whose files
 * hold the same structure.
 */
export function datasetKindFromName(fileName: string): TapvidDatasetKind | undefined {
  const base = fileName.split(/[\\/]/).pop()!.toLowerCase();
  if (/^\d+_of_\d+\.pkl$/.test(base) || base.includes('kinetics')) return 'kinetics';
  if (base.includes('robotap')) return 'robotap';
  if (base.includes('rgb_stacking') || base.includes('rgb-stacking')) return 'rgb_stacking';
  if (base.includes('davis')) return 'davis';
  return undefined;
}
