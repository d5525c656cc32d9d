// SPDX-License-Identifier: Apache-2.0

/**
 * Stable error codes. A code never changes meaning once released; callers may switch on it.
 */
export type TaptrErrorCode =
  | 'TAPTR_INVALID_ARGUMENT'
  | 'TAPTR_NPY_FORMAT'
  | 'TAPTR_PICKLE_FORMAT'
  | 'TAPTR_PICKLE_FORBIDDEN'
  | 'TAPTR_DATASET_FORMAT'
  | 'TAPTR_CHECKPOINT_FORMAT'
  | 'TAPTR_CHECKPOINT_MISMATCH'
  | 'TAPTR_CHECKPOINT_CORRUPT'
  | 'TAPTR_CONFIG_INVALID'
  | 'TAPTR_MODEL_IO_MISMATCH'
  | 'TAPTR_NO_RUNTIME'
  | 'TAPTR_WEBGPU_UNAVAILABLE'
  | 'TAPTR_WEBGPU_ERROR'
  | 'TAPTR_VIDEO_FORMAT'
  | 'TAPTR_TRACKS_FORMAT'
  | 'TAPTR_IO'
  | 'TAPTR_NETWORK'
  | 'TAPTR_CHECKSUM_MISMATCH'
  | 'TAPTR_JOB_INVALID'
  | 'TAPTR_JOB_FAILED'
  | 'TAPTR_PATH_FORBIDDEN';

/**
 * Base class of every domain or runtime failure raised by taptr-js. Bad arguments to a public
 * function raise the built-in `TypeError` / `RangeError` instead (see {@link invalidArgument}).
 */
export class TaptrError extends Error {
  /** Stable machine-readable code. */
  readonly code: TaptrErrorCode;

  constructor(code: TaptrErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TaptrError';
    this.code = code;
  }
}

/** Returns true when `error` is a {@link TaptrError}, optionally with the given `code`. */
export function isTaptrError(error: unknown, code?: TaptrErrorCode): error is TaptrError {
  return error instanceof TaptrError && (code === undefined || error.code === code);
}

/** Formats a value for an error message: short, single line, never the whole of a large or deeply nested array. */
export function describeValue(value: unknown): string {
  return describeNested(value, 0);
}

function describeNested(value: unknown, depth: number): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength})`;
  if (Array.isArray(value)) return value.length <= 8 && depth < 3 ? `[${value.map((v) => describeNested(v, depth + 1)).join(', ')}]` : `Array(${value.length})`;
  if (typeof value === 'object') {
    const dims = (value as { dims?: unknown }).dims;
    const type = (value as { type?: unknown }).type;
    if (Array.isArray(dims) && dims.every((d) => typeof d === 'number') && typeof type === 'string') return `${type} tensor [${dims.join(', ')}]`;
    // The prototype's constructor, not `value.constructor`: parsed JSON may have a "constructor" key.
    const ctor = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor;
    return typeof ctor === 'function' && ctor.name !== '' && ctor.name !== 'Object' ? ctor.name : 'object';
  }
  return typeof value;
}

/**
 * Builds the standard argument error `fn: arg must be <expected>, got <actual>`.
 * @param kind - `'type'` for a wrong kind of value (TypeError), `'range'` for a wrong shape or value (RangeError).
 */
export function invalidArgument(kind: 'type' | 'range', fn: string, arg: string, expected: string, actual: string): TypeError | RangeError {
  const message = `${fn}: ${arg} must be ${expected}, got ${actual}`;
  return kind === 'type' ? new TypeError(message) : new RangeError(message);
}
