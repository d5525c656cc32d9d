// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { checkTensor, stridesOf, tensor } from './tensor-view.js';

describe('tensor views', () => {
  it('computes strides and validates data length', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(() => tensor('float32', [2, 2], new Float32Array(3))).toThrow(/data must be 4 elements/);
    expect(() => tensor('float32', [1.5])).toThrow(RangeError);
  });

  it('checkTensor names the argument, expected and actual shape', () => {
    const t = tensor('float32', [2, 5, 3]);
    expect(checkTensor('f', 'x', t, ['float32'], ['B', 'N', 3])).toEqual({ B: 2, N: 5 });
    expect(() => checkTensor('f', 'x', t, ['float32'], ['B', 'N', 2])).toThrow('f: x must be of shape [B, N, 2], got [2, 5, 3]');
    expect(() => checkTensor('f', 'x', t, ['float32'], ['B', 'N', 3], { N: 4 })).toThrow(RangeError);
    expect(() => checkTensor('f', 'x', t, ['bool'], ['B', 'N', 3])).toThrow(TypeError);
    expect(() => checkTensor('f', 'x', [1, 2], ['bool'], [2])).toThrow(/f: x must be a tensor/);
  });
});
