// SPDX-License-Identifier: Apache-2.0
/// <reference types="@webgpu/types" preserve="true" />

/**
 * A WebGPU tensor: dense row-major float32 data in a storage buffer (usage STORAGE | COPY_SRC |
 * COPY_DST). `buffer.size` may exceed the data size (it is rounded up to a multiple of 4, at least 4).
 */
export interface GpuTensor {
  readonly type: 'float32';
  readonly dims: readonly number[];
  readonly buffer: GPUBuffer;
}

/** GPUBufferUsage flags, spelled out so that no WebGPU global is needed at import time. @internal */
export const BufferUsage = Object.freeze({ MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 });

/** GPUMapMode.READ. @internal */
export const MAP_READ_MODE = 0x1;

/** Usage of every {@link GpuTensor} buffer. @internal */
export const TENSOR_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** Buffer size for `elements` float32 values (at least 4 bytes). @internal */
export function tensorByteSize(elements: number): number {
  return Math.max(4, elements * 4);
}
