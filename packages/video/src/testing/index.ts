// SPDX-License-Identifier: Apache-2.0
export { pngChunk, withAncillaryAndSplitIdat } from './png-chunks.js';
