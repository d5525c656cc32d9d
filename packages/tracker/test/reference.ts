// SPDX-License-Identifier: Apache-2.0
// The TAPTR reference fixture set (official PyTorch outputs). TAPTR_REFERENCE_FIXTURES selects
// another set of the same format; every size is read from meta.json and the .npy headers.
import { readReferenceMeta, taptrReferenceDir, type ReferenceMeta } from '@taptr/fixtures';
import type { TensorView } from '@taptr/tensor';
import { loadNpy } from '@taptr/tensor/testing';

/** Folder of the reference fixture set. */
export const REFERENCE_DIR: string = taptrReferenceDir();

/** meta.json of the reference set. */
export const meta: ReferenceMeta = readReferenceMeta(REFERENCE_DIR);

/** Loads `<name>.npy` from the reference set. */
export function ref(name: string): TensorView {
  return loadNpy(REFERENCE_DIR, `${name}.npy`);
}

/** Numeric values of a tensor as a plain number array (int64 converted). */
export function numbers(view: TensorView): number[] {
  return Array.from(view.data as ArrayLike<number | bigint>, (v) => Number(v));
}
