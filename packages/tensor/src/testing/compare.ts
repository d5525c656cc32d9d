// SPDX-License-Identifier: Apache-2.0
import { formatShape, type TensorView } from '../tensor-view.js';

/** Tolerances for {@link compareClose}: |a - e| <= atol + rtol * |e|. */
export interface CloseOptions {
  /** Absolute tolerance. Defaults to 0. */
  readonly atol?: number;
  /** Relative tolerance. Defaults to 0. */
  readonly rtol?: number;
  /** Treat NaN == NaN as equal. Defaults to true. */
  readonly equalNaN?: boolean;
}

/** Result of {@link compareClose}. */
export interface CloseReport {
  readonly ok: boolean;
  /** Largest |actual - expected| over finite pairs. */
  readonly maxAbsError: number;
  /** Flat index of the worst offending element, or -1. */
  readonly worstIndex: number;
  /** Number of elements outside tolerance. */
  readonly mismatches: number;
  /** Human-readable summary for assertion messages. */
  readonly message: string;
}

type Numeric = ArrayLike<number> | ArrayLike<bigint>;

/**
 * Compares two arrays element by element, like `numpy.allclose`, and reports the worst error.
 * Infinities must match exactly; NaN matches NaN when `equalNaN` (the default).
 */
export function compareClose(actual: Numeric | TensorView, expected: Numeric | TensorView, options: CloseOptions = {}): CloseReport {
  const { atol = 0, rtol = 0, equalNaN = true } = options;
  const a = 'dims' in actual ? (actual.data as Numeric) : actual;
  const e = 'dims' in expected ? (expected.data as Numeric) : expected;
  if ('dims' in actual && 'dims' in expected && formatShape(actual.dims) !== formatShape(expected.dims)) {
    return {
      ok: false,
      maxAbsError: Infinity,
      worstIndex: -1,
      mismatches: -1,
      message: `shape ${formatShape(actual.dims)} != expected ${formatShape(expected.dims)}`,
    };
  }
  if (a.length !== e.length) {
    return { ok: false, maxAbsError: Infinity, worstIndex: -1, mismatches: -1, message: `length ${a.length} != expected ${e.length}` };
  }
  let maxAbsError = 0;
  let worstIndex = -1;
  let worstExcess = -Infinity;
  let mismatches = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    let bad: boolean;
    let excess: number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      bad = !(equalNaN && Number.isNaN(x) && Number.isNaN(y));
      excess = bad ? Infinity : 0;
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
      bad = x !== y;
      excess = bad ? Infinity : 0;
    } else {
      const d = Math.abs(x - y);
      if (d > maxAbsError) maxAbsError = d;
      excess = d - (atol + rtol * Math.abs(y));
      bad = excess > 0;
    }
    if (bad) {
      mismatches++;
      if (excess > worstExcess) {
        worstExcess = excess;
        worstIndex = i;
      }
    }
  }
  const message =
    mismatches === 0
      ? `all ${a.length} elements within atol=${atol} rtol=${rtol} (max |err| ${maxAbsError})`
      : `${mismatches}/${a.length} elements outside atol=${atol} rtol=${rtol}; worst at ${worstIndex}: actual ${Number(a[worstIndex])} expected ${Number(e[worstIndex])}; max |err| ${maxAbsError}`;
  return { ok: mismatches === 0, maxAbsError, worstIndex, mismatches, message };
}

/** Bit-exact comparison of two float arrays (NaN equals NaN, +0 equals -0). */
export function compareExact(actual: Numeric | TensorView, expected: Numeric | TensorView): CloseReport {
  return compareClose(actual, expected, { atol: 0, rtol: 0, equalNaN: true });
}
