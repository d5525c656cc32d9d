// SPDX-License-Identifier: Apache-2.0
import { DATASET_KINDS, type TapvidDatasetKind } from '@taptr/tapvid';
import { inspectTapvidDataset } from '@taptr/tapvid/node';
import { TaptrError } from '@taptr/tensor';

/** The dataset `taptr eval` will read: its kind and what its content is. */
export interface ResolvedDataset {
  readonly kind: TapvidDatasetKind;
  /** One line describing the content, e.g. `dict of 30 videos with uint8 frames [50, 480, 854, 3]`. */
  readonly found: string;
}

/**
 * Recognises the TAP-Vid dataset at `path` by its content (the library's `inspectTapvidDataset`:
 * top-level container, first video's keys and frame dtype; file names only break the DAVIS /
 * RoboTAP tie), or takes `forced` (`--dataset`), which the content must not contradict.
 * @throws TaptrError `TAPTR_DATASET_FORMAT` with a one-line message naming what was found when the
 *   content is not a TAP-Vid dataset (suggesting `--dataset` when the file is a pickle), and
 *   whatever the inspection throws (unreadable, truncated or corrupt files, contradicted kind).
 */
export function resolveDataset(path: string, forced?: TapvidDatasetKind): ResolvedDataset {
  const inspection = inspectTapvidDataset(path, forced);
  if (inspection.kind === undefined) {
    const hint = inspection.pickle ? `; pass --dataset ${DATASET_KINDS.join('|')} to read it as one` : '';
    throw new TaptrError('TAPTR_DATASET_FORMAT', `cannot recognise a TAP-Vid dataset in '${path}': ${inspection.found}${hint}`);
  }
  return { kind: inspection.kind, found: inspection.found };
}
