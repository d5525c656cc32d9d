// SPDX-License-Identifier: Apache-2.0
// Node-only: TAP-Vid dataset readers over files.
export { inspectTapvidDataset, listDatasetFiles, readTapvidDataset } from './read-tapvid-dataset.js';
export type { ReadTapvidOptions, TapvidDatasetInspection } from './read-tapvid-dataset.js';
