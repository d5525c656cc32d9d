// SPDX-License-Identifier: Apache-2.0
import { formatShape, TaptrError, type TensorView } from '@taptr/tensor';

/** A PyTorch state dict: parameter/buffer name -> tensor (float32 for every TAPTR weight). */
export type StateDict = ReadonlyMap<string, TensorView>;

/**
 * Returns the float32 tensor `key` of `stateDict`, optionally checking its shape.
 * @throws TaptrError `TAPTR_CHECKPOINT_MISMATCH` naming the key when it is missing, not float32, or
 *   of another shape than `dims`.
 */
export function requireParam(stateDict: StateDict, key: string, dims?: readonly number[]): TensorView<'float32'> {
  const view = stateDict.get(key);
  if (view === undefined)
    throw new TaptrError('TAPTR_CHECKPOINT_MISMATCH', `state dict: missing key "${key}"${dims ? ` (expected shape ${formatShape(dims)})` : ''}`);
  if (view.type !== 'float32') throw new TaptrError('TAPTR_CHECKPOINT_MISMATCH', `state dict: "${key}" must be float32, got ${view.type}`);
  if (dims !== undefined && formatShape(dims) !== formatShape(view.dims)) {
    throw new TaptrError('TAPTR_CHECKPOINT_MISMATCH', `state dict: "${key}" has shape ${formatShape(view.dims)}, expected ${formatShape(dims)}`);
  }
  return view as TensorView<'float32'>;
}
