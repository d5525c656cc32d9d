// SPDX-License-Identifier: Apache-2.0
// The TAPTR reference fixture set (official PyTorch outputs). TAPTR_REFERENCE_FIXTURES selects
// another set of the same format; every size is read from meta.json and the .npy headers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorView } from '@taptr/tensor';
import { fixtureDir, loadJson, loadNpy } from '@taptr/tensor/testing';

/** Folder of the reference fixture set. */
export const REFERENCE_DIR: string = fixtureDir('TAPTR_REFERENCE_FIXTURES', fileURLToPath(new URL('../../model/fixtures/taptr-reference', import.meta.url)));

/** The fields of meta.json the tests use. */
export interface ReferenceMeta {
  readonly T: number;
  readonly H: number;
  readonly W: number;
  readonly model_hw: number;
  readonly T_strided: number;
  readonly n_queries: number;
  readonly n_pad_total: number;
  readonly padding_gap: number;
  readonly long_video_mode: boolean;
  readonly strided_groups: readonly { readonly query_frame: number; readonly n: number; readonly track_ids: readonly number[] }[];
}

export const meta: ReferenceMeta = loadJson<ReferenceMeta>(REFERENCE_DIR, 'meta.json');

/** Loads `<name>.npy` from the reference set. */
export function ref(name: string): TensorView {
  return loadNpy(REFERENCE_DIR, `${name}.npy`);
}

/** Whether `<name>.npy` exists in the reference set. */
export function hasRef(name: string): boolean {
  return existsSync(join(REFERENCE_DIR, `${name}.npy`));
}

/** Numeric values of a tensor as a plain number array (int64 converted). */
export function numbers(view: TensorView): number[] {
  return Array.from(view.data as ArrayLike<number | bigint>, (v) => Number(v));
}
