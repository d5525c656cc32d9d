// SPDX-License-Identifier: Apache-2.0
export {
  COST_VOLUME_METHODS,
  DEFAULT_COST_VOLUME_RADIUS,
  DEFAULT_GRID_SAMPLE_ATTRS,
  GRID_SAMPLE_MODES,
  GRID_SAMPLE_PADDING_MODES,
} from './attrs.js';
export type {
  CostVolumeAttrs,
  CostVolumeMethod,
  GridSampleAttrs,
  GridSampleMode,
  GridSamplePaddingMode,
  ResolvedCostVolumeAttrs,
} from './attrs.js';
export { createCpuKernels, createCpuOps } from './cpu/create-cpu-ops.js';
export type { CpuTensor } from './cpu/create-cpu-ops.js';
export type { OpsBackend, OpsKernels, OpsTensor } from './ops-backend.js';
export { costVolumeCenters, querySampleGrid } from './taptr-coordinates.js';
export { withValidation } from './with-validation.js';
