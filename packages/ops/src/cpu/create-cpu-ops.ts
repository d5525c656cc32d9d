// SPDX-License-Identifier: Apache-2.0
import { describeValue, formatShape, invalidArgument, shapeSize, tensor, type TensorView } from '@taptr/tensor';
import ndarray, { type NdArray } from 'ndarray';
import type { OpsBackend, OpsKernels } from '../ops-backend.js';
import { withValidation } from '../with-validation.js';
import { costVolumeCpu } from './cost-volume-cpu.js';
import { gridSampleCpu } from './grid-sample-cpu.js';

/** A CPU tensor: a dense row-major float32 {@link TensorView} (an ORT CPU tensor qualifies). */
export type CpuTensor = TensorView<'float32'>;

/** Structural ndarray view of a dense tensor (shares `data`, no copy). */
function view(t: CpuTensor): NdArray<Float32Array> {
  return ndarray(t.data, [...t.dims]);
}

/**
 * Unchecked CPU kernels (reference implementations in plain JS over `ndarray` views).
 * Prefer {@link createCpuOps}, which validates arguments first.
 */
export function createCpuKernels(): OpsKernels<CpuTensor> {
  return {
    name: 'cpu',
    upload: (v) => v,
    download: async (t) => t,
    allocate: (dims) => tensor('float32', dims),
    release: () => {},
    checkStorage(fn, arg, value) {
      const data = (value as { data?: unknown }).data;
      if (!(data instanceof Float32Array)) throw invalidArgument('type', fn, `${arg}.data`, 'a Float32Array', describeValue(data));
      const size = shapeSize(value.dims);
      if (data.length !== size) throw invalidArgument('range', fn, `${arg}.data`, `${size} elements for shape ${formatShape(value.dims)}`, `${data.length}`);
    },
    async gridSample(input, grid, attrs, out) {
      gridSampleCpu(view(input), view(grid), attrs, view(out));
    },
    async costVolume(features, queries, centers, attrs, out) {
      costVolumeCpu(features.map(view), view(queries), view(centers), attrs, view(out));
    },
    dispose: () => {},
  };
}

/**
 * Creates the CPU backend: reference kernels in plain JS over `ndarray` views of the inputs (no
 * copies), behind the validating façade.
 * @returns an {@link OpsBackend} over float32 {@link TensorView}s.
 * @example
 * ```ts
 * const ops = createCpuOps();
 * const out = await ops.gridSample(input, grid, { mode: 'bilinear', paddingMode: 'border', alignCorners: true });
 * ```
 */
export function createCpuOps(): OpsBackend<CpuTensor> {
  return withValidation(createCpuKernels());
}
