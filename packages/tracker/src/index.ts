// SPDX-License-Identifier: Apache-2.0
export { createFramePreprocessor, IMAGENET_MEAN, IMAGENET_STD } from './preprocess.js';
export type { FramePreprocessor } from './preprocess.js';
export { checkQueriesInVideo, normalizeQueryPositions, prepareQueries } from './queries.js';
export type { PreparedQueries, QueryInput, QueryPoint } from './queries.js';
export { createLegacyRandom } from './mt19937.js';
export type { LegacyRandom } from './mt19937.js';
export { generatePaddingPoints, PADDING_RESTART_FRAMES } from './query-padding.js';
export type { PaddingPoints, PaddingPointsInput } from './query-padding.js';
export { inverseSigmoid, sigmoid } from './sigmoid.js';
export { padsContentAfter, WINDOW_SIZE, WINDOW_STRIDE, windowSchedule } from './window-schedule.js';
export type { FrameWindow } from './window-schedule.js';
export { windowMasks } from './window-masks.js';
export type { WindowMasks } from './window-masks.js';
export type { DecoderWindowInput, DecoderWindowOutput, EncodedFrames, TaptrGraphs } from './taptr-graphs.js';
export type { FrameOutput, PassProgress, WindowReport } from './forward-pass.js';
