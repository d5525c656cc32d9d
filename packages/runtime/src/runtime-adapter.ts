// SPDX-License-Identifier: Apache-2.0
import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-common';
import type { GpuTensors } from './gpu-tensors.js';
import type { ModelInputSpec } from './model-io.js';

/** Element types a {@link TensorFactory} can create (the onnxruntime-common names). */
export type RuntimeDType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool';

/**
 * Creates tensors that belong to an adapter's own onnxruntime copy. onnxruntime checks
 * `instanceof Tensor` on feeds, so a tensor made by another copy of the library is rejected:
 * always build feeds with the adapter's factory.
 */
export interface TensorFactory {
  /**
   * Wraps `data` (not copied) as a tensor of shape `dims`.
   * @param type - element type (`bool` data is a `Uint8Array` of 0/1).
   * @param data - row-major data with exactly `product(dims)` elements.
   * @param dims - the shape, e.g. `[8, N, C]`.
   * @throws RangeError when `data.length` does not match `dims`.
   */
  tensor<T extends RuntimeDType>(type: T, data: Tensor.DataTypeMap[T], dims: readonly number[]): TypedTensor<T>;
}

/** Options of {@link RuntimeAdapter.createSession}: onnxruntime's session options, merged over the adapter's defaults. */
export type ModelSessionOptions = InferenceSession.SessionOptions;

/**
 * One loaded ONNX model. Feeds are checked against the model's declared inputs before they reach
 * onnxruntime: a missing, extra, wrongly typed or wrongly shaped input raises a `TaptrError` with
 * code `TAPTR_MODEL_IO_MISMATCH` that names the input and lists the expected ones.
 */
export interface ModelSession {
  /** Input names in model order. */
  readonly inputNames: readonly string[];
  /** Output names in model order. */
  readonly outputNames: readonly string[];
  /**
   * Inputs as the runtime declares them (onnxruntime's input metadata: element type and shape where
   * known), in model order; absent when the runtime exposes no metadata. The graph's signature without
   * decoding the model.
   */
  readonly inputSpecs?: readonly ModelInputSpec[];
  /** Outputs as the runtime declares them (like {@link ModelSession.inputSpecs}). */
  readonly outputSpecs?: readonly ModelInputSpec[];
  /**
   * Runs the model.
   * @param feeds - one tensor per input name, made by the adapter's {@link TensorFactory}.
   * @param outputs - optional pre-allocated outputs (tensors of the adapter's factory with exactly the
   *   output's type and shape, e.g. views into a caller's ring buffer, or GPU tensors of
   *   {@link RuntimeAdapter.gpuTensors}): the run leaves each of these outputs in the given tensor's
   *   data (a GPU tensor's buffer is written on the device). Where the runtime can, it writes them there directly (the
   *   onnxruntime-node adapter does), else the adapter copies them in after the run. Outputs not named
   *   here are allocated by the runtime as usual.
   *   A session that wraps another must pass `outputs` on: callers read these outputs from the given
   *   tensors only.
   * @returns one tensor per output name (for a pre-allocated output, possibly a copy: read the
   *   pre-allocated tensor).
   * @throws TaptrError `TAPTR_MODEL_IO_MISMATCH` for bad feeds or a pre-allocated output that is not
   *   an output of the model, `TAPTR_INVALID_ARGUMENT` after {@link ModelSession.release}.
   */
  run(feeds: Readonly<Record<string, Tensor>>, outputs?: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>;
  /** Frees the native session. Idempotent; `run` fails afterwards. */
  release(): Promise<void>;
}

/**
 * A way to run ONNX models (onnxruntime-node CPU, onnxruntime-node WebGPU, onnxruntime-web ...).
 * Adapters are passed explicitly to the code that needs them; there is no global registry.
 */
export interface RuntimeAdapter {
  /** Stable adapter name, e.g. `'ort-node-cpu'`, `'ort-node-webgpu'`, `'ort-web-wasm'`. */
  readonly name: string;
  /** Feature detection: resolves `false` (never rejects) when the adapter cannot run here. */
  isSupported(): Promise<boolean>;
  /** Why {@link RuntimeAdapter.isSupported} is false (`undefined` when supported). Never rejects. */
  unsupportedReason?(): Promise<string | undefined>;
  /**
   * Loads a model.
   * @param model - ONNX bytes, or a file path / URL the underlying runtime can open.
   * @param options - onnxruntime session options, merged over the adapter's own defaults.
   */
  createSession(model: Uint8Array | string, options?: ModelSessionOptions): Promise<ModelSession>;
  /** Tensors from this adapter's onnxruntime copy. */
  readonly tensors: TensorFactory;
  /**
   * GPU-resident tensors of this adapter's device, on adapters whose sessions take GPU tensors as
   * feeds and write pre-allocated GPU outputs (onnxruntime-web WebGPU). Resolves once the device
   * exists (after the adapter's first session). Absent on CPU adapters.
   */
  gpuTensors?(): Promise<GpuTensors>;
}
