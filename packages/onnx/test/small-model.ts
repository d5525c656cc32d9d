// SPDX-License-Identifier: Apache-2.0
// Test helper: a small ONNX model for the codec, signature and fuzz tests.
import { tensor } from '@taptr/tensor';
import { createGraphBuilder } from '../src/graph-builder.js';

/** A small model with an initializer, symbolic dims, int64 constants and an INT attribute. */
export function smallModel(): Uint8Array {
  const g = createGraphBuilder({ name: 'small' });
  const x = g.input('x', 'float32', ['N', 3]);
  const w = g.initializer(tensor('float32', [3, 2], Float32Array.of(1, 2, 3, 4, 5, 6)), 'w');
  const y = g.matMul(x, w);
  g.output(g.reshape(y, [0, -1]), 'y', 'float32', ['N', 2]);
  g.output(g.cast(g.shape(y), 'int64'), 'shape', 'int64', [2]);
  return g.toModelBytes();
}
