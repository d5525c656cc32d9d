// SPDX-License-Identifier: Apache-2.0
import type { QueryPoint } from '../queries/query-set.js';

/** What `taptr track` writes: the user's queries (never padding points) and their tracks. */
export interface TrackOutput {
  readonly video: { readonly width: number; readonly height: number; readonly frames: number };
  readonly queries: readonly QueryPoint[];
  /** `[N, T, 2]` (x, y) in video pixels, point-major. */
  readonly tracks: ArrayLike<number>;
  /** `[N, T]`, non-zero = visible. */
  readonly visible: ArrayLike<number | boolean>;
  /** Backend that ran the model, e.g. `cpu`. */
  readonly backend: string;
  /** Model description (directory or checkpoint, configuration summary). */
  readonly model: Readonly<Record<string, unknown>>;
  /** Wall-clock times in milliseconds, by stage. */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * Shortest decimal text of a number that reads back to the same float32 value
 * (tracks are float32, so at most 9 significant digits are ever needed).
 */
export function float32Number(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  const f = Math.fround(value);
  for (let p = 1; p < 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return Number(f.toPrecision(9));
}
