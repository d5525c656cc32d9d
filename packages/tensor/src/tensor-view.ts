// SPDX-License-Identifier: Apache-2.0
import { allocate, bytesPerElement, type DataTypeMap, type DType } from './dtype.js';
import { describeValue, invalidArgument } from './errors.js';

/**
 * A dense, row-major (C order) tensor: the structural protocol shared by every package. The field
 * names match `onnxruntime-common`'s `Tensor`, so an ORT CPU tensor can be used as a view directly.
 */
export interface TensorView<T extends DType = DType> {
  readonly type: T;
  readonly dims: readonly number[];
  readonly data: DataTypeMap[T];
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function shapeSize(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i]!;
  }
  return strides;
}

/** Formats a shape as `[a, b, c]`. */
export function formatShape(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

/**
 * Creates a {@link TensorView}. Without `data`, a zero-filled array is allocated.
 * @throws RangeError when a dimension is not a non-negative integer or `data` has the wrong length.
 */
export function tensor<T extends DType>(type: T, dims: readonly number[], data?: DataTypeMap[T]): TensorView<T> {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw invalidArgument('range', 'tensor', 'dims', 'non-negative integers', describeValue([...dims]));
    }
  }
  const size = shapeSize(dims);
  const buffer = data ?? allocate(type, size);
  if (buffer.length !== size) {
    throw invalidArgument('range', 'tensor', 'data', `${size} elements for shape ${formatShape(dims)}`, `${buffer.length}`);
  }
  return { type, dims: Object.freeze([...dims]), data: buffer };
}

/** Size in bytes of the view's data. */
export function byteSizeOf(view: TensorView): number {
  return shapeSize(view.dims) * bytesPerElement(view.type);
}

/**
 * Checks that `value` is a tensor view of one of `types` whose shape matches `pattern`
 * (numbers must match exactly, `-1` matches any size, a string names a dimension that must be
 * equal wherever the same name appears). Returns the resolved named sizes.
 * @throws TypeError for a wrong kind of value or element type, RangeError for a wrong shape.
 */
export function checkTensor(
  fn: string,
  arg: string,
  value: unknown,
  types: readonly DType[],
  pattern: readonly (number | string)[],
  named: Record<string, number> = {},
): Record<string, number> {
  const view = value as Partial<TensorView> | null | undefined;
  if (view === null || typeof view !== 'object' || !Array.isArray(view.dims) || typeof view.type !== 'string' || !ArrayBuffer.isView(view.data)) {
    throw invalidArgument('type', fn, arg, `a tensor {type, dims, data} of ${types.join('|')}`, describeValue(value));
  }
  if (!types.includes(view.type)) {
    throw invalidArgument('type', fn, arg, `of type ${types.join('|')}`, `${view.type} tensor ${formatShape(view.dims)}`);
  }
  const expected = formatPattern(pattern, named);
  if (view.dims.length !== pattern.length) {
    throw invalidArgument('range', fn, arg, `of shape ${expected}`, formatShape(view.dims));
  }
  const resolved = { ...named };
  pattern.forEach((p, i) => {
    const d = view.dims![i]!;
    if (typeof p === 'number') {
      if (p >= 0 && d !== p) throw invalidArgument('range', fn, arg, `of shape ${expected}`, formatShape(view.dims!));
    } else if (resolved[p] === undefined) {
      resolved[p] = d;
    } else if (resolved[p] !== d) {
      throw invalidArgument('range', fn, arg, `of shape ${formatPattern(pattern, resolved)}`, formatShape(view.dims!));
    }
  });
  if ((view.data as ArrayLike<unknown>).length !== shapeSize(view.dims)) {
    throw invalidArgument(
      'range',
      fn,
      `${arg}.data`,
      `${shapeSize(view.dims)} elements for shape ${formatShape(view.dims)}`,
      `${(view.data as ArrayLike<unknown>).length}`,
    );
  }
  return resolved;
}

function formatPattern(pattern: readonly (number | string)[], named: Record<string, number>): string {
  return `[${pattern.map((p) => (typeof p === 'number' ? (p < 0 ? '*' : String(p)) : named[p] !== undefined ? `${p}=${named[p]}` : p)).join(', ')}]`;
}
