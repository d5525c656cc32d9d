// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument, type TensorView } from '@taptr/tensor';

/** One query point: query frame `t` and position (x, y) in video pixels (integer = pixel centre). */
export interface QueryPoint {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

/**
 * Query points in any accepted form: `{ t, x, y }` objects, `[t, x, y]` triples, or a tensor
 * `[N, 3]` (float32, float64 or int32) of (t, x, y) rows. Note the order (t, x, y), not TAP-Vid's (t, y, x).
 */
export type QueryInput = readonly QueryPoint[] | readonly (readonly [number, number, number])[] | TensorView;

/** Validated queries. */
export interface PreparedQueries {
  readonly count: number;
  /** `[N]` query frames. */
  readonly frames: Int32Array;
  /** `[N, 2]` (x, y) in video pixels. */
  readonly pixels: Float64Array;
}

/**
 * Validates and flattens query points.
 * @param fn - calling function, for error messages.
 * @throws TypeError / RangeError naming the offending query (e.g. `queries[3].t must be an integer ...`).
 */
export function prepareQueries(fn: string, queries: unknown): PreparedQueries {
  const rows: [number, number, number][] = [];
  if (queries !== null && typeof queries === 'object' && 'dims' in queries && 'data' in queries) {
    const view = queries as TensorView;
    if (!['float32', 'float64', 'int32'].includes(view.type)) {
      throw invalidArgument('type', fn, 'queries', 'a float32, float64 or int32 tensor [N, 3] of (t, x, y)', describeValue(view));
    }
    if (view.dims.length !== 2 || view.dims[1] !== 3) {
      throw invalidArgument('range', fn, 'queries', 'a tensor of shape [N, 3] of (t, x, y)', describeValue(view));
    }
    const data = view.data as ArrayLike<number>;
    for (let i = 0; i < view.dims[0]!; i++) rows.push([data[3 * i]!, data[3 * i + 1]!, data[3 * i + 2]!]);
  } else if (Array.isArray(queries)) {
    queries.forEach((q: unknown, i) => {
      if (Array.isArray(q)) {
        if (q.length !== 3) throw invalidArgument('range', fn, `queries[${i}]`, 'a [t, x, y] triple', describeValue(q));
        rows.push([q[0] as number, q[1] as number, q[2] as number]);
      } else if (q !== null && typeof q === 'object') {
        const { t, x, y } = q as Partial<QueryPoint>;
        rows.push([t as number, x as number, y as number]);
      } else {
        throw invalidArgument('type', fn, `queries[${i}]`, 'a {t, x, y} object or a [t, x, y] triple', describeValue(q));
      }
    });
  } else {
    throw invalidArgument('type', fn, 'queries', 'an array of {t, x, y} or [t, x, y], or a tensor [N, 3]', describeValue(queries));
  }
  const count = rows.length;
  const frames = new Int32Array(count);
  const pixels = new Float64Array(2 * count);
  rows.forEach(([t, x, y], i) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) {
      throw invalidArgument('range', fn, `queries[${i}].t`, 'a non-negative integer frame index', describeValue(t));
    }
    for (const [name, v] of [['x', x], ['y', y]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw invalidArgument('range', fn, `queries[${i}].${name}`, 'a finite number of pixels', describeValue(v));
      }
    }
    frames[i] = t;
    pixels[2 * i] = x;
    pixels[2 * i + 1] = y;
  });
  return { count, frames, pixels };
}

/**
 * Checks queries against the video: query frame < T and position inside the frame's pixel area,
 * -0.5 <= x <= W - 0.5 and -0.5 <= y <= H - 0.5 (pixel centres are integers).
 * @throws RangeError naming the first offending query.
 */
export function checkQueriesInVideo(fn: string, queries: PreparedQueries, frameCount: number, width: number, height: number): void {
  for (let i = 0; i < queries.count; i++) {
    const t = queries.frames[i]!;
    const x = queries.pixels[2 * i]!;
    const y = queries.pixels[2 * i + 1]!;
    if (t >= frameCount) throw invalidArgument('range', fn, `queries[${i}].t`, `a frame index < ${frameCount} (the video's frame count)`, String(t));
    if (x < -0.5 || x > width - 0.5) throw invalidArgument('range', fn, `queries[${i}].x`, `within [-0.5, ${width - 0.5}] (frame width ${width})`, String(x));
    if (y < -0.5 || y > height - 0.5) throw invalidArgument('range', fn, `queries[${i}].y`, `within [-0.5, ${height - 0.5}] (frame height ${height})`, String(y));
  }
}

/**
 * Normalized query positions as the model receives them (spec §2): x / (W - 1), y / (H - 1), float32.
 * @param pixels - `[N, 2]` (x, y) in video pixels.
 * @returns `[N, 2]` float32.
 */
export function normalizeQueryPositions(pixels: ArrayLike<number>, width: number, height: number): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 2) {
    out[i] = pixels[i]! / (width - 1);
    out[i + 1] = pixels[i + 1]! / (height - 1);
  }
  return out;
}
