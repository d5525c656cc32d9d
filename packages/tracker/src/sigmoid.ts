// SPDX-License-Identifier: Apache-2.0

const EPS = 1e-3;
const f = Math.fround;

/**
 * TAPTR's inverse sigmoid in float32 (spec §0): ln(max(x', 1e-3) / max(1 - x', 1e-3)) with
 * x' = clamp(x, 0, 1). Note the 1e-3 clamp: points on the image border map to +-6.9068.
 */
export function inverseSigmoid(x: number): number {
  const c = Math.min(Math.max(f(x), 0), 1);
  const x1 = Math.max(c, f(EPS));
  const x2 = Math.max(f(1 - c), f(EPS));
  return f(Math.log(f(x1 / x2)));
}

/** Logistic sigmoid rounded to float32. */
export function sigmoid(x: number): number {
  return f(1 / (1 + Math.exp(-x)));
}
