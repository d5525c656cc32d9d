// SPDX-License-Identifier: Apache-2.0
import {
  describeTaptrShapes,
  inferTaptrShapes,
  isReleasedTaptrShapes,
  taptrShapeDifferences,
  type TaptrCheckpointShapes,
  type TaptrConfig,
} from '@taptr/model';
import { TaptrError, type TensorView } from '@taptr/tensor';
import { UsageError } from '../usage-error.js';

/** What {@link detectConfiguration} found. */
export interface DetectedConfiguration {
  readonly shapes: TaptrCheckpointShapes;
  /** The shapes are those of the released configuration. */
  readonly released: boolean;
  /** One line for the user: `released TAPTR v1 (resnet50 backbone (...), ...)`. */
  readonly summary: string;
}

/**
 * Names the configuration a checkpoint's state dict shows ({@link inferTaptrShapes}) and checks it
 * against `--config` (or, without it, against the released configuration). Heads and sampling
 * points show only as their product, and the input size not at all, so a checkpoint that is not the
 * released configuration needs `--config`.
 * @throws UsageError (exit 2) when there is no `--config` and the checkpoint is not the released
 *   configuration; TaptrError `TAPTR_CHECKPOINT_MISMATCH` when it does not match `--config`.
 */
export function detectConfiguration(
  checkpoint: string,
  stateDict: ReadonlyMap<string, TensorView>,
  given: TaptrConfig | undefined,
  configPath: string | undefined,
): DetectedConfiguration {
  const shapes = inferTaptrShapes(stateDict);
  const released = isReleasedTaptrShapes(shapes);
  const found = describeTaptrShapes(shapes);
  if (given === undefined) {
    if (!released) {
      throw new UsageError(
        `${checkpoint} is not the released TAPTR v1 configuration (it has a ${found}); pass --config CONFIG.json with its configuration (heads, sampling points and input size are not in the weights)`,
      );
    }
    return { shapes, released, summary: `released TAPTR v1 (${found}; 8 heads x 4 points as released: the weights show only the product)` };
  }
  const differences = taptrShapeDifferences(shapes, given);
  if (differences.length > 0) {
    throw new TaptrError('TAPTR_CHECKPOINT_MISMATCH', `${checkpoint} does not match --config ${configPath}: ${differences.join(', ')}`);
  }
  return { shapes, released, summary: `${released ? 'released TAPTR v1' : 'not the released TAPTR v1'} (${found}), as --config ${configPath} says` };
}
