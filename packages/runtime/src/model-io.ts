// SPDX-License-Identifier: Apache-2.0
import { describeValue, TaptrError } from '@taptr/tensor';
import type { Tensor } from 'onnxruntime-common';

/**
 * Declared type and shape of one model input. A shape entry is a fixed size, a symbolic name
 * (`'N'`: any size, but the same wherever that name appears) or `null`/`-1` (any size).
 */
export interface ModelInputSpec {
  readonly name: string;
  /** onnxruntime element type (`'float32'`, `'int64'`, `'bool'`...); `undefined` = not checked. */
  readonly type?: string;
  /** `undefined` = rank and sizes not checked. */
  readonly shape?: readonly (number | string | null)[];
}

/** Details carried by a {@link ModelIoMismatchError}. */
export interface ModelIoMismatch {
  /** Input names the model expects, in model order. */
  readonly expected: readonly string[];
  /** Expected inputs absent from the feeds. */
  readonly missing: readonly string[];
  /** Feed names the model does not have. */
  readonly unexpected: readonly string[];
  /** The input whose value has the wrong type or shape, if any. */
  readonly input?: string;
}

/** A run() whose feeds do not match the model's inputs (`TAPTR_MODEL_IO_MISMATCH`). */
export class ModelIoMismatchError extends TaptrError {
  readonly details: ModelIoMismatch;

  constructor(message: string, details: ModelIoMismatch) {
    super('TAPTR_MODEL_IO_MISMATCH', message);
    this.name = 'ModelIoMismatchError';
    this.details = details;
  }
}

function formatSpecShape(shape: readonly (number | string | null)[], named: Record<string, number>): string {
  return `[${shape.map((d) => (d === null || d === -1 ? '?' : typeof d === 'string' ? (named[d] !== undefined ? `${d}=${named[d]}` : d) : String(d))).join(', ')}]`;
}

/**
 * Checks feeds against a model's inputs: names (missing and extra), element type, rank, fixed
 * sizes and the consistency of symbolic sizes across inputs.
 * @param model - label used in messages (e.g. the model's name).
 * @throws ModelIoMismatchError naming the offending input and listing the expected inputs.
 */
export function checkFeeds(model: string, inputs: readonly ModelInputSpec[], feeds: Readonly<Record<string, unknown>>): void {
  const expected = inputs.map((i) => i.name);
  const given = Object.keys(feeds);
  const missing = expected.filter((n) => !Object.hasOwn(feeds, n) || feeds[n] === undefined);
  const unexpected = given.filter((n) => !expected.includes(n));
  const list = `expected inputs: ${expected.map((n) => JSON.stringify(n)).join(', ')}`;
  if (missing.length > 0 || unexpected.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing input${missing.length > 1 ? 's' : ''} ${missing.map((n) => JSON.stringify(n)).join(', ')}`);
    if (unexpected.length > 0) parts.push(`unexpected input${unexpected.length > 1 ? 's' : ''} ${unexpected.map((n) => JSON.stringify(n)).join(', ')}`);
    throw new ModelIoMismatchError(`${model}: ${parts.join('; ')} (${list})`, { expected, missing, unexpected });
  }
  const named: Record<string, number> = {};
  for (const spec of inputs) {
    const value = feeds[spec.name] as Partial<Tensor> | null;
    const fail = (what: string): never => {
      throw new ModelIoMismatchError(`${model}: input ${JSON.stringify(spec.name)} ${what} (${list})`, {
        expected,
        missing: [],
        unexpected: [],
        input: spec.name,
      });
    };
    if (value === null || typeof value !== 'object' || typeof value.type !== 'string' || !Array.isArray(value.dims)) {
      fail(`must be a tensor, got ${describeValue(value)}`);
      return;
    }
    const dims = value.dims as readonly number[];
    if (spec.type !== undefined && value.type !== spec.type) {
      fail(`must be of type ${spec.type}, got ${value.type} tensor [${dims.join(', ')}]`);
    }
    if (spec.shape === undefined) continue;
    const shape = spec.shape;
    const bad = (): never => fail(`must have shape ${formatSpecShape(shape, named)}, got [${dims.join(', ')}]`);
    if (dims.length !== shape.length) bad();
    shape.forEach((d, i) => {
      const actual = dims[i]!;
      if (typeof d === 'number' && d >= 0) {
        if (actual !== d) bad();
      } else if (typeof d === 'string' && d !== '') {
        if (named[d] === undefined) named[d] = actual;
        else if (named[d] !== actual) bad();
      }
    });
  }
}
