// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';
import type { BilinearGatherAttrs, ResolvedBilinearGatherAttrs } from './bilinear-gather.js';
import type { CostVolumeAttrs, ResolvedCostVolumeAttrs } from './cost-volume.js';
import type { GridSampleAttrs, ResolvedGridSampleAttrs } from './grid-sample.js';

/**
 * What every backend tensor has: a float32 element type and a row-major shape. CPU tensors are
 * {@link TensorView}s; WebGPU tensors carry a `GPUBuffer` instead of `data`.
 */
export interface OpsTensor {
  readonly type: 'float32';
  readonly dims: readonly number[];
}

/**
 * The kernel forms of the ops on one backend (the ONNX forms are the emitters of `@taptr/ops/onnx`).
 * Obtain one from `createCpuOps()` or `createWebGpuOps()`; both check their arguments once
 * (TypeError / RangeError naming the argument) and then run kernels that trust their inputs.
 *
 * Every op may be given the output tensor (`out`, allocated by the caller with {@link allocate}) so
 * that loops can reuse buffers; it is returned. Outputs must not overlap the inputs.
 */
export interface OpsBackend<T extends OpsTensor = OpsTensor> {
  /** Backend name, e.g. `'cpu'` or `'webgpu'`. */
  readonly name: string;
  /** Makes a backend tensor from a CPU view (CPU: the view itself, no copy; WebGPU: an upload). */
  upload(view: TensorView<'float32'>): T;
  /** Reads a backend tensor back into a CPU view (CPU: the tensor itself). */
  download(tensor: T): Promise<TensorView<'float32'>>;
  /** Allocates a zero-filled backend tensor of shape `dims`. */
  allocate(dims: readonly number[]): T;
  /** Releases a tensor made by this backend (no-op on CPU). */
  release(tensor: T): void;
  /**
   * PyTorch `F.grid_sample` (2-D), see {@link GridSampleAttrs}.
   * @param input - `[N, C, H, W]`.
   * @param grid - `[N, Ho, Wo, 2]` (x, y) in [-1, 1].
   * @param out - optional `[N, C, Ho, Wo]` output.
   * @returns `[N, C, Ho, Wo]`.
   */
  gridSample(input: T, grid: T, attrs?: GridSampleAttrs, out?: T): Promise<T>;
  /**
   * Bilinear samples of a token-major map, see {@link BilinearGatherAttrs}.
   * @param table - `[S, C]` rows (the map is rows `[start, start + h · w)`).
   * @param positions - `[P, 2]` (x, y).
   * @param out - optional `[P, C]` output.
   * @returns `[P, C]`.
   */
  bilinearGather(table: T, positions: T, attrs: BilinearGatherAttrs, out?: T): Promise<T>;
  /**
   * Local cost volume (TAPTR `CorrBlock` lookup), see {@link CostVolumeAttrs}.
   * @param features - `[B, S, C]` token-major levels.
   * @param queries - `[B, N, L, C + 1]` per-level weights and bias.
   * @param centers - `[B, N, 2]` (x, y).
   * @param out - optional `[B, N, L · (2r+1)²]` output.
   * @returns `[B, N, L · (2r+1)²]`.
   */
  costVolume(features: T, queries: T, centers: T, attrs: CostVolumeAttrs, out?: T): Promise<T>;
  /** Releases the backend's own resources (pipelines, scratch buffers). */
  dispose(): void;
}

/**
 * The kernel side of a backend: the same ops with resolved attributes and a preallocated output,
 * no argument checks. Wrapped by `withValidation` into an {@link OpsBackend}.
 * @internal
 */
export interface OpsKernels<T extends OpsTensor = OpsTensor> {
  readonly name: string;
  upload(view: TensorView<'float32'>): T;
  download(tensor: T): Promise<TensorView<'float32'>>;
  allocate(dims: readonly number[]): T;
  release(tensor: T): void;
  /**
   * Checks the storage of a tensor whose `type` and `dims` were already checked (CPU: a Float32Array
   * of the right length; WebGPU: a large enough GPUBuffer). Throws TypeError / RangeError.
   */
  checkStorage(fn: string, arg: string, value: OpsTensor): void;
  gridSample(input: T, grid: T, attrs: ResolvedGridSampleAttrs, out: T): Promise<void>;
  bilinearGather(table: T, positions: T, attrs: ResolvedBilinearGatherAttrs, out: T): Promise<void>;
  costVolume(features: T, queries: T, centers: T, attrs: ResolvedCostVolumeAttrs, out: T): Promise<void>;
  dispose(): void;
}
