// SPDX-License-Identifier: Apache-2.0
import type { BilinearGatherAttrs, CostVolumeAttrs, CpuTensor, GridSampleAttrs, OpsBackend, OpsTensor } from '../../src/index.js';

/**
 * One form of the ops as the conformance suite drives it: CPU tensors in, CPU tensors out, the
 * contract's attributes. The kernel forms wrap an {@link OpsBackend}; the ONNX form builds and runs a
 * one-op graph per call.
 */
export interface OpsForm {
  readonly name: string;
  gridSample(input: CpuTensor, grid: CpuTensor, attrs: GridSampleAttrs): Promise<CpuTensor>;
  bilinearGather(table: CpuTensor, positions: CpuTensor, attrs: BilinearGatherAttrs): Promise<CpuTensor>;
  costVolume(features: CpuTensor, queries: CpuTensor, centers: CpuTensor, attrs: CostVolumeAttrs): Promise<CpuTensor>;
  /** Cases this form is known to compute differently, with the reason (asserted to still differ, on some elements only). */
  readonly knownDifferences?: ReadonlyMap<string, string>;
  /** The backend of a kernel form (its own checks: shapes, caller-provided outputs). */
  readonly backend?: OpsBackend;
  dispose(): void | Promise<void>;
}

/** The form of a kernel backend: upload, run, download, release. */
export function backendForm<T extends OpsTensor>(ops: OpsBackend<T>): OpsForm {
  const call = async (inputs: readonly CpuTensor[], op: (...tensors: T[]) => Promise<T>): Promise<CpuTensor> => {
    const held = inputs.map((v) => ops.upload(v));
    try {
      const result = await op(...held);
      const view = await ops.download(result);
      ops.release(result);
      return view;
    } finally {
      for (const t of held) ops.release(t);
    }
  };
  return {
    name: ops.name,
    gridSample: (input, grid, attrs) => call([input, grid], (i, g) => ops.gridSample(i, g, attrs)),
    bilinearGather: (table, positions, attrs) => call([table, positions], (t, p) => ops.bilinearGather(t, p, attrs)),
    costVolume: (features, queries, centers, attrs) => call([features, queries, centers], (f, q, c) => ops.costVolume(f, q, c, attrs)),
    backend: ops,
    dispose: () => ops.dispose(),
  };
}
