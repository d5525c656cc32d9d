// SPDX-License-Identifier: Apache-2.0
// Conformance suite and test helpers of @taptr/ops (node only; uses vitest and node:fs).
export { CASE_FILES, caseTensor, loadOpsCases } from './conformance-cases.js';
export type { CaseTensor, CaseTolerance, CostVolumeCase, GridSampleCase, OpsCase, OpsCaseFile } from './conformance-cases.js';
export { runOpsConformance } from './run-ops-conformance.js';
export type { OpsConformanceOptions } from './run-ops-conformance.js';
export { corrFeatsCase, loadFmapMappers, querySampleCases } from './taptr-fixture-cases.js';
export type { CorrFeatsCase, QuerySampleCase } from './taptr-fixture-cases.js';
export { acquireNodeGpuDevice, SWIFTSHADER_ICD } from './node-gpu-device.js';
export type { NodeGpuDeviceResult } from './node-gpu-device.js';
