// SPDX-License-Identifier: Apache-2.0
import type { Tensor } from 'onnxruntime-common';
import { formatShape, invalidArgument, shapeSize } from '@taptr/tensor';
import type { TensorFactory } from './runtime-adapter.js';

/** The `Tensor` constructor of one onnxruntime package (`ort.Tensor`). */
export type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

/**
 * Builds an adapter's {@link TensorFactory} over its own onnxruntime `Tensor` class, checking that
 * the data length matches the shape (adapters pass `ort.Tensor` of the package they load).
 */
export function createTensorFactory(TensorClass: TensorConstructor): TensorFactory {
  return {
    tensor(type, data, dims) {
      const size = shapeSize(dims);
      if (data.length !== size) {
        throw invalidArgument('range', 'tensors.tensor', 'data', `${size} elements for shape ${formatShape(dims)}`, `${data.length}`);
      }
      return new TensorClass(type as 'float32', data as Float32Array, dims) as never;
    },
  };
}
