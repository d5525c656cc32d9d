// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument, type TensorView } from '@taptr/tensor';

/** One query point: query frame `t` and position (x, y) in video pixels (integer = pixel centre). */
export interface QueryPoint {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

/** The frames and size of the video a query must fall in. */
export interface VideoExtent {
  /** Frame count T. */
  readonly frames: number;
  readonly width: number;
  readonly height: number;
}

/** What is wrong with a query point ({@link queryPointProblem}): the field, what it must be, what it is. */
export interface QueryPointProblem {
  readonly field: 't' | 'x' | 'y';
  readonly expected: string;
  readonly actual: string;
}

/**
 * The one rule a query point must follow (docs/coordinates.md): `t` an integer frame index in
 * `[0, T - 1]`, `x` in `[-0.5, W - 0.5]` and `y` in `[-0.5, H - 0.5]` (the image's outer edges,
 * integers are pixel centres). Every check of queries against a video (the tracker's, the CLI's
 * query files) goes through it and only words the error its own way.
 * @returns the first field that breaks the rule, or `undefined` when the point is inside the video.
 */
export function queryPointProblem(point: QueryPoint, video: VideoExtent): QueryPointProblem | undefined {
  const { t, x, y } = point;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= video.frames) {
    return { field: 't', expected: `an integer frame index in [0, ${video.frames - 1}]`, actual: describeValue(t) };
  }
  if (typeof x !== 'number' || !Number.isFinite(x) || x < -0.5 || x > video.width - 0.5) {
    return { field: 'x', expected: `a pixel x in [-0.5, ${video.width - 0.5}]`, actual: describeValue(x) };
  }
  if (typeof y !== 'number' || !Number.isFinite(y) || y < -0.5 || y > video.height - 0.5) {
    return { field: 'y', expected: `a pixel y in [-0.5, ${video.height - 0.5}]`, actual: describeValue(y) };
  }
  return undefined;
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
        rows.push([t!, x!, y!]);
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
    for (const [name, v] of [
      ['x', x],
      ['y', y],
    ] as const) {
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
 * Checks queries against the video with {@link queryPointProblem}'s rule.
 * @throws RangeError naming the first offending query (`fn: queries[3].t must be an integer frame index in [0, 9], got 12`).
 */
export function checkQueriesInVideo(fn: string, queries: PreparedQueries, frameCount: number, width: number, height: number): void {
  const video = { frames: frameCount, width, height };
  for (let i = 0; i < queries.count; i++) {
    const problem = queryPointProblem({ t: queries.frames[i]!, x: queries.pixels[2 * i]!, y: queries.pixels[2 * i + 1]! }, video);
    if (problem !== undefined) throw invalidArgument('range', fn, `queries[${i}].${problem.field}`, problem.expected, problem.actual);
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
