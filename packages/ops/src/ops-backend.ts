// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';
import type { CostVolumeAttrs, GridSampleAttrs, ResolvedCostVolumeAttrs } from './attrs.js';

/**
 * What every backend tensor has: a float32 element type and a row-major shape. CPU tensors are
 * {@link TensorView}s; WebGPU tensors carry a `GPUBuffer` instead of `data`.
 */
export interface OpsTensor {
  readonly type: 'float32';
  readonly dims: readonly number[];
}

/**
 * The ops of this package on one backend. Obtain one from `createCpuOps()` or `createWebGpuOps()`;
 * both validate their arguments once (TypeError / RangeError naming the argument) and then run
 * kernels that trust their inputs.
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
   * PyTorch `F.grid_sample` (2-D).
   * @param input - `[N, C, H, W]` feature maps (H, W >= 1).
   * @param grid - `[N, Ho, Wo, 2]` sampling locations (x, y) in [-1, 1] (outside is allowed).
   * @param attrs - mode, padding mode, align-corners; PyTorch defaults.
   * @param out - optional `[N, C, Ho, Wo]` output.
   * @returns `[N, C, Ho, Wo]`.
   */
  gridSample(input: T, grid: T, attrs?: GridSampleAttrs, out?: T): Promise<T>;
  /**
   * Local cost volume (TAPTR `CorrBlock` lookup, taptr-spec section 7): for every batch item b, point n,
   * level l and tap (a, b') in [0, 2r]^2, `scale * <queries[b, n], F_l[b, :, y, x]>` sampled bilinearly
   * (align-corners pixel convention, border padding) at x = X/2^l + a - r, y = Y/2^l + b' - r, where
   * (X, Y) = centers[b, n] in level-0 pixels. Output index `l * (2r+1)^2 + a * (2r+1) + b'` (x offset slow).
   * @param features - per level `[B, C, H_l, W_l]` (level l is addressed by dividing level-0 pixels by 2^l).
   * @param queries - `[B, N, C]` query vectors.
   * @param centers - `[B, N, 2]` (x, y) in level-0 pixels (integers are pixel centres).
   * @param attrs - radius (3), scale (1/sqrt(C)), method (`'window'`).
   * @param out - optional `[B, N, L * (2r+1)^2]` output.
   * @returns `[B, N, L * (2r+1)^2]`.
   */
  costVolume(features: readonly T[], queries: T, centers: T, attrs?: CostVolumeAttrs, out?: T): Promise<T>;
  /** Releases the backend's own resources (pipelines, scratch buffers). */
  dispose(): void;
}

/**
 * The kernel side of a backend: the same ops with resolved attributes and a preallocated output,
 * no argument checks. Wrap with `withValidation` to get an {@link OpsBackend}.
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
  gridSample(input: T, grid: T, attrs: Readonly<Required<GridSampleAttrs>>, out: T): Promise<void>;
  costVolume(features: readonly T[], queries: T, centers: T, attrs: ResolvedCostVolumeAttrs, out: T): Promise<void>;
  dispose(): void;
}
