// SPDX-License-Identifier: Apache-2.0
// Node-only: TAP-Vid dataset readers over files.
export { indexTapvidDataset, inspectTapvidDataset, listDatasetFiles, readTapvidDataset, readTapvidVideoAt } from './read-tapvid-dataset.js';
export type { ReadTapvidOptions, TapvidDatasetInspection, TapvidVideoLocation } from './read-tapvid-dataset.js';
