// SPDX-License-Identifier: Apache-2.0
export { backboneChannels, featureLevelShapes, levelStartIndex, memoryTokens, parseTaptrConfig, RELEASED_CONFIG, taptrConfigToJson } from './taptr-config.js';
export type { TaptrConfig } from './taptr-config.js';
