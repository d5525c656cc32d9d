// SPDX-License-Identifier: Apache-2.0
import { describeValue, formatShape, TaptrError, type TensorView } from '@taptr/tensor';
import type { TaptrConfig } from '../config/taptr-config.js';
import { expectedStateDictShapes } from './state-dict-layout.js';
import { isLazyTensor, readTorchZip, type LazyTensor } from './torch-zip.js';

/** Options of {@link readTaptrCheckpoint}. */
export interface ReadCheckpointOptions {
  /**
   * Which state dict to read: `'auto'` (default) takes `ema_model` when present, else `model`, else
   * the top-level object itself when it is a state dict (evaluate.py loads `ema_model` because the
   * released configuration has `use_ema=True`).
   */
  readonly stateDict?: 'auto' | 'ema_model' | 'model';
  /** When given, the result is checked with {@link checkStateDict} against this configuration. */
  readonly config?: TaptrConfig;
}

/**
 * Reads the TAPTR state dict of a torch checkpoint (`torch.save` zip format) without Python:
 * whitelisted pickle globals only, `module.` prefixes stripped. Only the chosen state dict's storages
 * are extracted (an optimizer state in the same file is skipped), each checked against the CRC-32
 * its zip entry records before any tensor is copied.
 * @param bytes - the whole `.pth` file.
 * @returns parameter name -> tensor (row-major copies).
 * @throws TaptrError `TAPTR_CHECKPOINT_CORRUPT` for a damaged file (CRC-32 mismatch, truncation, bad
 *   zip headers), naming the entry; `TAPTR_CHECKPOINT_FORMAT` for a non-zip file or one without
 *   a state dict; `TAPTR_PICKLE_FORBIDDEN` for a pickle referencing other globals;
 *   `TAPTR_CHECKPOINT_MISMATCH` (with `options.config`) for missing keys or wrong shapes.
 */
export function readTaptrCheckpoint(bytes: Uint8Array, options: ReadCheckpointOptions = {}): Map<string, TensorView> {
  const zip = readTorchZip(bytes);
  const root = zip.root;
  const which = options.stateDict ?? 'auto';
  let dict: unknown;
  if (root instanceof Map && which !== 'auto') {
    dict = root.get(which);
    if (dict === undefined)
      throw new TaptrError('TAPTR_CHECKPOINT_FORMAT', `checkpoint: no "${which}" entry (top-level keys: ${[...root.keys()].map(String).join(', ')})`);
  } else if (root instanceof Map) {
    dict = root.get('ema_model') ?? root.get('model') ?? (isStateDict(root) ? root : undefined);
    if (dict === undefined)
      throw new TaptrError(
        'TAPTR_CHECKPOINT_FORMAT',
        `checkpoint: no "ema_model" or "model" state dict (top-level keys: ${[...root.keys()].slice(0, 10).map(String).join(', ')})`,
      );
  }
  if (!(dict instanceof Map) || !isStateDict(dict)) {
    throw new TaptrError('TAPTR_CHECKPOINT_FORMAT', `checkpoint: expected a state dict (name -> tensor), got ${describeValue(dict ?? root)}`);
  }
  const tensors = [...dict.values()] as LazyTensor[];
  zip.prefetch(tensors);
  const out = new Map<string, TensorView>();
  for (const [key, value] of dict as Map<string, LazyTensor>) {
    const name = key.startsWith('module.') ? key.slice('module.'.length) : key;
    out.set(name, zip.materialize(value));
  }
  if (options.config !== undefined) checkStateDict(out, options.config);
  return out;
}

function isStateDict(map: Map<unknown, unknown>): boolean {
  if (map.size === 0) return false;
  for (const [k, v] of map) if (typeof k !== 'string' || !isLazyTensor(v)) return false;
  return true;
}

/**
 * Checks a state dict against the official layout of `config` ({@link expectedStateDictShapes}).
 * Extra keys are ignored.
 * @throws TaptrError `TAPTR_CHECKPOINT_MISMATCH` naming the first missing key (and how many are
 *   missing) or the first key with a wrong shape (expected and actual), or a non-float32 entry.
 */
export function checkStateDict(stateDict: ReadonlyMap<string, TensorView>, config: TaptrConfig): void {
  const missing: string[] = [];
  let firstMissingShape = '';
  for (const entry of expectedStateDictShapes(config)) {
    const actual = stateDict.get(entry.key);
    if (actual === undefined) {
      if (missing.length === 0) firstMissingShape = formatShape(entry.dims);
      missing.push(entry.key);
      continue;
    }
    if (formatShape(actual.dims) !== formatShape(entry.dims)) {
      throw new TaptrError(
        'TAPTR_CHECKPOINT_MISMATCH',
        `checkpoint: "${entry.key}" has shape ${formatShape(actual.dims)}, expected ${formatShape(entry.dims)} for the configuration (backbone ${config.backbone}, hidden_dim ${config.hiddenDim})`,
      );
    }
    if (actual.type !== 'float32') {
      throw new TaptrError('TAPTR_CHECKPOINT_MISMATCH', `checkpoint: "${entry.key}" must be float32, got ${actual.type}`);
    }
  }
  if (missing.length > 0) {
    throw new TaptrError(
      'TAPTR_CHECKPOINT_MISMATCH',
      `checkpoint: missing key "${missing[0]}" (expected shape ${firstMissingShape})${missing.length > 1 ? ` and ${missing.length - 1} more` : ''}`,
    );
  }
}
