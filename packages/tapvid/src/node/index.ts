// SPDX-License-Identifier: Apache-2.0
// Node-only: TAP-Vid dataset readers over files.
export { listDatasetFiles, readTapvidDataset } from './read-tapvid-dataset.js';
export type { ReadTapvidOptions } from './read-tapvid-dataset.js';
