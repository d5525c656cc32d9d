// SPDX-License-Identifier: Apache-2.0
import { buildTinyModel } from './tiny-model.js';

/**
 * `y = x * 2 + b` with `x`, `b` float32 `[n, 3]` (dynamic `n`), `y` float32 `[n, 3]`.
 * Used by the conformance suite for float32, dynamic dims and feed validation.
 */
export function buildAffineModel(): Uint8Array {
  return buildTinyModel({
    name: 'conformance_affine',
    inputs: [
      { name: 'x', type: 'float32', shape: ['n', 3] },
      { name: 'b', type: 'float32', shape: ['n', 3] },
    ],
    outputs: [{ name: 'y', type: 'float32', shape: ['n', 3] }],
    nodes: [
      { op: 'Add', inputs: ['x', 'x'], outputs: ['x2'] },
      { op: 'Add', inputs: ['x2', 'b'], outputs: ['y'] },
    ],
  });
}

/**
 * Mixed types: `values` float32 `[m]`, `index` int64 `[k]`, `keep` bool `[k]` ->
 * `picked` float32 `[k]` = keep ? values[index] : 0 (Gather + Where), `next` int64 `[k]` = index + index,
 * `dropped` bool `[k]` = not keep.
 */
export function buildMixedTypesModel(): Uint8Array {
  return buildTinyModel({
    name: 'conformance_mixed',
    inputs: [
      { name: 'values', type: 'float32', shape: ['m'] },
      { name: 'index', type: 'int64', shape: ['k'] },
      { name: 'keep', type: 'bool', shape: ['k'] },
    ],
    outputs: [
      { name: 'picked', type: 'float32', shape: ['k'] },
      { name: 'next', type: 'int64', shape: ['k'] },
      { name: 'dropped', type: 'bool', shape: ['k'] },
    ],
    nodes: [
      { op: 'Gather', inputs: ['values', 'index'], outputs: ['gathered'], attrs: { axis: 0 } },
      { op: 'Sub', inputs: ['gathered', 'gathered'], outputs: ['zeros'] },
      { op: 'Where', inputs: ['keep', 'gathered', 'zeros'], outputs: ['picked'] },
      { op: 'Add', inputs: ['index', 'index'], outputs: ['next'] },
      { op: 'Not', inputs: ['keep'], outputs: ['dropped'] },
    ],
  });
}

/** `out = MatMul(a, b)` with `a` `[r, k]`, `b` `[k, c]` float32 (all dims dynamic). */
export function buildMatMulModel(): Uint8Array {
  return buildTinyModel({
    name: 'conformance_matmul',
    inputs: [
      { name: 'a', type: 'float32', shape: ['r', 'k'] },
      { name: 'b', type: 'float32', shape: ['k', 'c'] },
    ],
    outputs: [{ name: 'out', type: 'float32', shape: ['r', 'c'] }],
    nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['out'] }],
  });
}

/** `y = Identity(x)` with `x`, `y` float32 of unknown shape (no shape in the value info). */
export function buildUnknownShapeModel(): Uint8Array {
  return buildTinyModel({
    name: 'conformance_unknown_shape',
    inputs: [{ name: 'x', type: 'float32' }],
    outputs: [{ name: 'y', type: 'float32' }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  });
}
