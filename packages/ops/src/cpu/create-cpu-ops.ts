// SPDX-License-Identifier: Apache-2.0
import { describeValue, formatShape, invalidArgument, shapeSize, tensor, type TensorView } from '@taptr/tensor';
import type { OpsBackend, OpsKernels } from '../contract/ops-backend.js';
import { withValidation } from '../with-validation.js';
import { bilinearGatherCpu } from './bilinear-gather-cpu.js';
import { costVolumeCpu } from './cost-volume-cpu.js';
import { gridSampleCpu } from './grid-sample-cpu.js';

/** A CPU tensor: a dense row-major float32 {@link TensorView} (an onnxruntime CPU tensor qualifies). */
export type CpuTensor = TensorView<'float32'>;

/** Runs a synchronous kernel as the contract's promise (its errors as a rejection). */
function settle(kernel: () => void): Promise<void> {
  try {
    kernel();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Unchecked CPU kernels (reference implementations in plain JS over the dense views, no copies). */
function createCpuKernels(): OpsKernels<CpuTensor> {
  return {
    name: 'cpu',
    upload: (v) => v,
    download: (t) => Promise.resolve(t),
    allocate: (dims) => tensor('float32', dims),
    release: () => {},
    checkStorage(fn, arg, value) {
      const data = (value as { data?: unknown }).data;
      if (!(data instanceof Float32Array)) throw invalidArgument('type', fn, `${arg}.data`, 'a Float32Array', describeValue(data));
      const size = shapeSize(value.dims);
      if (data.length !== size) throw invalidArgument('range', fn, `${arg}.data`, `${size} elements for shape ${formatShape(value.dims)}`, `${data.length}`);
    },
    gridSample: (input, grid, attrs, out) => settle(() => gridSampleCpu(input, grid, attrs, out)),
    bilinearGather: (table, positions, attrs, out) => settle(() => bilinearGatherCpu(table, positions, attrs, out)),
    costVolume: (features, queries, centers, attrs, out) => settle(() => costVolumeCpu(features, queries, centers, attrs, out)),
    dispose: () => {},
  };
}

/**
 * Creates the CPU backend: the reference kernels in plain JS over the inputs' dense data (no copies),
 * behind the validating façade.
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
