// SPDX-License-Identifier: Apache-2.0

/**
 * Rounds to the nearest integer, ties to even, like NumPy's `np.round` (0.5 -> 0, 1.5 -> 2,
 * 2.5 -> 2, -0.5 -> -0). NaN and infinities pass through.
 */
export function roundHalfToEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
