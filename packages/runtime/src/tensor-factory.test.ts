// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { createTensorFactory, type TensorConstructor } from './tensor-factory.js';

describe('createTensorFactory', () => {
  class FakeTensor {
    constructor(
      readonly type: string,
      readonly data: ArrayLike<number>,
      readonly dims: readonly number[],
    ) {}
  }
  const factory = createTensorFactory(FakeTensor as unknown as TensorConstructor);

  it('wraps data without copying', () => {
    const data = new Float32Array(6);
    const t = factory.tensor('float32', data, [2, 3]) as unknown as FakeTensor;
    expect(t).toBeInstanceOf(FakeTensor);
    expect(t.data).toBe(data);
    expect(t.dims).toEqual([2, 3]);
  });

  it('rejects data whose length does not match the shape', () => {
    expect(() => factory.tensor('float32', new Float32Array(5), [2, 3])).toThrow('tensors.tensor: data must be 6 elements for shape [2, 3], got 5');
  });
});
