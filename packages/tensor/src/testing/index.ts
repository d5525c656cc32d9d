// SPDX-License-Identifier: Apache-2.0
// Test helpers (node only): fixture resolution and numeric comparison.
export { compareClose, compareExact } from './compare.js';
export type { CloseOptions, CloseReport } from './compare.js';
export { fixtureDir, loadJson, loadNpy } from './fixtures.js';
export { classifyFuzzError, fuzzBytes } from './fuzz.js';
export type { FuzzCase, FuzzFailure, FuzzOptions, FuzzReport } from './fuzz.js';
export { IN_CI, webgpuTestsRequired } from './test-environment.js';
export { importGraph } from './import-graph.js';
export type { ImportGraph } from './import-graph.js';
