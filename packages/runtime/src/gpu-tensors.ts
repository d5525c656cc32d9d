// SPDX-License-Identifier: Apache-2.0
import type { Tensor } from 'onnxruntime-common';

/** A GPU buffer of an adapter's device (a WebGPU `GPUBuffer`; typed loosely so that universal code needs no WebGPU typings). */
export type GpuBuffer = object;

/**
 * GPU-resident float32 tensors of an adapter whose sessions take and give them (onnxruntime-web's
 * WebGPU execution provider: tensors with `location: 'gpu-buffer'`). Buffers live on the adapter's
 * device; copies are queued on it in order with the sessions' runs, so data can stay on the GPU from
 * one run to the next (encoder memory written by one graph and read by another).
 */
export interface GpuTensors {
  /**
   * Allocates a zero-filled float32 GPU buffer of `floats` floats (usable as a feed, a pre-allocated
   * output, and a copy source and target). Free it with {@link GpuTensors.destroy}.
   */
  createBuffer(floats: number): GpuBuffer;
  /** A float32 tensor of shape `dims` over the whole of `buffer` (`location: 'gpu-buffer'`): a feed or a pre-allocated output. */
  tensor(buffer: GpuBuffer, dims: readonly number[]): Tensor;
  /**
   * Copies `floats` floats from `source` at float `sourceOffset` to `target` at float `targetOffset`
   * (on the device; the two may be the same buffer, the ranges may overlap).
   */
  copy(source: GpuBuffer, sourceOffset: number, target: GpuBuffer, targetOffset: number, floats: number): void;
  /** Writes host floats into `buffer` at float `offset` (queued on the device). */
  write(buffer: GpuBuffer, offset: number, data: Float32Array): void;
  /** Reads `floats` floats of `buffer` from float `offset` back to the host (tests and inspection). */
  read(buffer: GpuBuffer, offset: number, floats: number): Promise<Float32Array>;
  /** Frees a buffer made by {@link GpuTensors.createBuffer}. */
  destroy(buffer: GpuBuffer): void;
}
