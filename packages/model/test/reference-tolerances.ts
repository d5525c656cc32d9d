// SPDX-License-Identifier: Apache-2.0
// The exact-path tolerances of this package's reference-fixture tests (fixture README, "Reproducibility
// and tolerances"), as compareClose options: |actual - expected| <= atol + rtol * |expected|. Other
// fixture sets of the same format (other seeds, sizes, a model input smaller than the video) must pass
// unchanged, so wherever values can be large the tolerance grows with |expected|.
import type { CloseOptions } from '@taptr/tensor/testing';

/**
 * Backbone stages, input projections, encoder memory: 1e-3 absolute. Kept absolute: the values are
 * bounded by the (Frozen)BatchNorm / GroupNorm / LayerNorm in front of them (|x| <= 11 in this set).
 */
export const ENCODER_TOLERANCE: CloseOptions = { atol: 1e-3 };

/** query_sampled / query_feat: 3e-4 absolute (bilinear samples of the memory and an MLP of them: bounded like the memory). */
export const QUERY_FEATURE_TOLERANCE: CloseOptions = { atol: 3e-4 };

/**
 * One decoder window fed the fixture inputs: 1e-4 + 2e-5 * |expected|. Relative because the location
 * logits reach |x| ~ 7-8, where float32 inverse_sigmoid(sigmoid(x)) alone loses ~1e-4 (e^|x| * 2^-24).
 */
export const DECODER_WINDOW_TOLERANCE: CloseOptions = { atol: 1e-4, rtol: 2e-5 };
