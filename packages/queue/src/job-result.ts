// SPDX-License-Identifier: Apache-2.0
import { describeValue, TaptrError } from '@taptr/tensor';

/** What an eval processor returns for one video (the fields `taptr eval` reports per video). */
export interface EvalOutcome {
  readonly name: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly queries: number;
  readonly ms: number;
  /** Per-video metrics by name (`averageJaccard`, ...): the float64 value, or null for NaN. */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Model description of the engine that ran it. */
  readonly model: Readonly<Record<string, unknown>>;
  readonly backend: string;
}

/** What a track processor returns for one video. */
export interface TrackOutcome {
  /** The tracks file written. */
  readonly out: string;
  /** sha256 of the tracks file written (a later submit skips the video while the file still has it). */
  readonly sha256: string;
  readonly frames: number;
  readonly points: number;
  readonly ms: number;
  readonly model: Readonly<Record<string, unknown>>;
  readonly backend: string;
}

/** Stored with every result. */
interface ResultStamp {
  /** The result key (see `resultKey`). */
  readonly key: string;
  /** Worker name (`host:pid` by default). */
  readonly worker: string;
  /** Epoch milliseconds. */
  readonly finishedAt: number;
}

/** A stored eval result. */
export type EvalJobResult = EvalOutcome & ResultStamp & { readonly kind: 'eval' };
/** A stored track result. */
export type TrackJobResult = TrackOutcome & ResultStamp & { readonly kind: 'track' };
/** Any stored result. */
export type QueueJobResult = EvalJobResult | TrackJobResult;

/**
 * Parses a stored result (JSON text from Redis) and checks its shape and that it is the result of
 * `key`; never trusts what the store holds.
 * @throws TaptrError `TAPTR_JOB_INVALID` naming the bad field.
 */
export function parseJobResult(text: string, key: string): QueueJobResult {
  const fail = (field: string, expected: string, actual: unknown): never => {
    throw new TaptrError('TAPTR_JOB_INVALID', `result ${key.slice(0, 12)}: ${field} must be ${expected}, got ${describeValue(actual)}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail('the stored text', 'JSON', text);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('result', 'an object', raw);
  const r = raw as Record<string, unknown>;
  if (r['key'] !== key) fail('key', key, r['key']);
  const count = (name: string): void => {
    if (typeof r[name] !== 'number' || !Number.isSafeInteger(r[name]) || r[name] < 0) fail(name, 'a non-negative integer', r[name]);
  };
  const text_ = (name: string): void => {
    if (typeof r[name] !== 'string') fail(name, 'a string', r[name]);
  };
  ['worker', 'backend'].forEach(text_);
  ['finishedAt', 'frames', 'ms'].forEach(count);
  if (typeof r['model'] !== 'object' || r['model'] === null) fail('model', 'an object', r['model']);
  if (r['kind'] === 'eval') {
    text_('name');
    ['width', 'height', 'queries'].forEach(count);
    const m = r['metrics'];
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return fail('metrics', 'an object', m);
    for (const [name, value] of Object.entries(m)) if (value !== null && typeof value !== 'number') fail(`metrics.${name}`, 'a number or null', value);
    return raw as EvalJobResult;
  }
  if (r['kind'] === 'track') {
    text_('out');
    count('points');
    if (typeof r['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(r['sha256'])) fail('sha256', 'a lowercase hex sha256', r['sha256']);
    return raw as TrackJobResult;
  }
  return fail('kind', "'eval' or 'track'", r['kind']);
}
