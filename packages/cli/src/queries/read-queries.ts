// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeValue, formatShape, readNpy, TaptrError } from '@taptr/tensor';
import { type QueryPoint, queryPointProblem, type VideoExtent } from '@taptr/tracker';

const FORM = 'queries are (t, x, y): frame index, then pixel x and y';

/** A decimal number as CSV files write it (no hex, no `Infinity`). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parsed query points with, for each, where it came from (`points.csv: line 3`) for messages. */
interface ParsedQueries {
  readonly points: QueryPoint[];
  readonly labels: string[];
}

function fail(message: string): never {
  throw new TaptrError('TAPTR_INVALID_ARGUMENT', message);
}

/**
 * Parses query points from JSON text: an array of `{"t", "x", "y"}` objects (extra keys ignored).
 * An `[x, y]` pair or an object without `t` is rejected with a message saying a frame index is needed.
 * @param name - the file name used in messages.
 */
function parseJsonQueries(text: string, name: string): ParsedQueries {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`${name}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) fail(`${name}: must be a JSON array of {"t", "x", "y"} objects, got ${describeValue(value)}`);
  const points = value.map((item: unknown, i) => {
    const where = `${name}: item ${i}`;
    if (Array.isArray(item)) {
      const hint = item.length === 2 ? ' (an (x, y) pair? a query also needs its frame t)' : '';
      fail(`${where}: must be an object {"t", "x", "y"}, got ${describeValue(item)}${hint}; ${FORM}`);
    }
    if (item === null || typeof item !== 'object') fail(`${where}: must be an object {"t", "x", "y"}, got ${describeValue(item)}`);
    const record = item as Record<string, unknown>;
    for (const field of ['t', 'x', 'y'] as const) {
      const v = record[field];
      if (v === undefined) fail(`${where}: missing field "${field}"${field === 't' ? ' (the frame index)' : ''}; ${FORM}`);
      if (typeof v !== 'number') fail(`${where}: field "${field}" must be a number, got ${describeValue(v)}`);
    }
    return { t: record['t'] as number, x: record['x'] as number, y: record['y'] as number };
  });
  return { points, labels: points.map((_, i) => `${name}: item ${i}`) };
}

/**
 * Parses query points from CSV text with a header naming the columns `t`, `x`, `y` (any order,
 * extra columns ignored); blank lines are skipped. Messages give the line number in the file
 * (the header is line 1).
 */
function parseCsvQueries(text: string, name: string): ParsedQueries {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (field: string): number => {
    const index = header.indexOf(field);
    if (index < 0)
      fail(
        `${name}: line 1: the header must name the columns t,x,y, got ${JSON.stringify(lines[0] ?? '')}${field === 't' ? ' (missing t, the frame index)' : ''}; ${FORM}`,
      );
    if (header.includes(field, index + 1)) fail(`${name}: line 1: the header names the column ${field} twice, got ${JSON.stringify(lines[0])}`);
    return index;
  };
  const ct = col('t');
  const cx = col('x');
  const cy = col('y');
  const points: QueryPoint[] = [];
  const labels: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    const get = (field: string, index: number): number => {
      const cell = cells[index];
      const v = cell !== undefined && DECIMAL.test(cell) ? Number(cell) : Number.NaN;
      if (!Number.isFinite(v)) fail(`${name}: line ${i + 1}: field ${field} must be a number, got ${cell === undefined ? 'nothing' : JSON.stringify(cell)}`);
      return v;
    };
    points.push({ t: get('t', ct), x: get('x', cx), y: get('y', cy) });
    labels.push(`${name}: line ${i + 1}`);
  }
  return { points, labels };
}

/**
 * Parses a `.npy` float array `[N, 3]` in TAP-Vid order `(t, y, x)`.
 */
function parseNpyQueries(bytes: Uint8Array, name: string): ParsedQueries {
  let view;
  try {
    view = readNpy(bytes);
  } catch (error) {
    fail(`${name}: ${(error as Error).message}`);
  }
  if ((view.type !== 'float32' && view.type !== 'float64') || view.dims.length !== 2 || view.dims[1] !== 3) {
    const hint = view.dims.length === 2 && view.dims[1] === 2 ? ' (an (x, y) array? a query also needs its frame t)' : '';
    fail(`${name}: a .npy query array must be float32|float64 [N, 3] in TAP-Vid order (t, y, x), got ${view.type} ${formatShape(view.dims)}${hint}`);
  }
  const data = view.data as Float32Array | Float64Array;
  const n = view.dims[0]!;
  const points: QueryPoint[] = [];
  for (let i = 0; i < n; i++) points.push({ t: data[i * 3]!, y: data[i * 3 + 1]!, x: data[i * 3 + 2]! });
  return { points, labels: points.map((_, i) => `${name}: row ${i}`) };
}

/**
 * Parses the bytes of a query file (`.json`, `.csv` or `.npy`, chosen by the extension of `path`)
 * and checks every point against the video.
 * @throws TaptrError `TAPTR_INVALID_ARGUMENT` naming the file, the item/line/row and the field.
 */
export function parseQueries(bytes: Uint8Array, path: string, extent: VideoExtent): QueryPoint[] {
  const name = basename(path);
  const lower = path.toLowerCase();
  const text = (): string => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return fail(`${name}: not UTF-8 text`);
    }
  };
  let parsed: ParsedQueries;
  if (lower.endsWith('.json')) parsed = parseJsonQueries(text(), name);
  else if (lower.endsWith('.csv')) parsed = parseCsvQueries(text(), name);
  else if (lower.endsWith('.npy')) parsed = parseNpyQueries(bytes, name);
  else fail(`${name}: query files must end in .json, .csv or .npy`);
  if (parsed.points.length === 0) fail(`${name}: holds no query points`);
  parsed.points.forEach((p, i) => {
    // The tracker's bounds rule, worded for a file: `points.csv: line 3: t must be ...`.
    const problem = queryPointProblem(p, extent);
    if (problem !== undefined) fail(`${parsed.labels[i]!}: ${problem.field} must be ${problem.expected}, got ${problem.actual}`);
  });
  return parsed.points;
}

/**
 * Reads a query file (`.json`, `.csv` or `.npy`, chosen by extension) and checks every point
 * against the video ({@link parseQueries}).
 * @throws TaptrError `TAPTR_INVALID_ARGUMENT` naming the file, the item/line/row and the field;
 *   `TAPTR_IO` when the file cannot be read.
 */
export async function readQueries(path: string, extent: VideoExtent): Promise<QueryPoint[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `${path}: cannot read the query file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
  return parseQueries(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, extent);
}
