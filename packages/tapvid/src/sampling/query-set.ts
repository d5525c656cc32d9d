// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';

/** A set of TAP-Vid queries for one video, as tapnet's samplers return it (leading batch axis 1). */
export interface QuerySet {
  /** `[1, Q, 3]` float64, (t, y, x) in the pixel scale of the input points. */
  readonly queryPoints: TensorView<'float64'>;
  /** `[1, Q, T, 2]` float64, (x, y) ground truth of each query's track. */
  readonly targetPoints: TensorView<'float64'>;
  /** `[1, Q, T]` bool, ground-truth occlusion of each query's track. */
  readonly occluded: TensorView<'bool'>;
  /** `[1, Q]` int64, source track index of each query (strided sampling only). */
  readonly trackgroup?: TensorView<'int64'>;
}
