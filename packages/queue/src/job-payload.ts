// SPDX-License-Identifier: Apache-2.0
import { isAbsolute } from 'node:path';
import { describeValue, TaptrError } from '@taptr/tensor';

/** A file (or a folder of PNG frames) a job reads: absolute path and the sha256 the submitter saw. */
export interface FileRef {
  /** Absolute path, as every worker must see it (shared mount). */
  readonly path: string;
  /** Lowercase hex sha256 of the file (of a folder: see `sha256Path`). */
  readonly sha256: string;
}

/** The model a job runs: a converted folder, an official checkpoint, or a baseline. */
export type ModelRef =
  | { readonly kind: 'folder'; readonly path: string; /** sha256 of its `model.json` (which lists every graph's sha256). */ readonly sha256: string }
  | { readonly kind: 'checkpoint'; readonly path: string; readonly sha256: string; readonly config?: FileRef }
  | { readonly kind: 'baseline'; readonly name: 'stationary' };

/** Execution backends a job may ask for. */
export const JOB_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
/** One of {@link JOB_BACKENDS}. */
export type JobBackend = (typeof JOB_BACKENDS)[number];

/** The evaluation protocol of an eval job (the `taptr eval` options that change the metrics). */
export interface EvalProtocol {
  readonly mode: 'first' | 'strided';
  readonly resize: 256 | 'none';
  readonly scale: 'taptr' | 'tapnet';
  readonly padQueries: number;
}

/** One video of a TAP-Vid evaluation run. */
export interface EvalJob {
  readonly kind: 'eval';
  /** Run name (`[A-Za-z0-9._-]`, at most 100 characters). */
  readonly run: string;
  readonly dataset: {
    /** The dataset path as given to `taptr eval`, absolute. */
    readonly path: string;
    /** Digest of the whole dataset (every pickle file's sha256, in reading order). */
    readonly sha256: string;
    /** Dataset kind: `davis`, `rgb_stacking`, `robotap`, `kinetics`. */
    readonly kind: string;
    /** Number of videos in the dataset. */
    readonly videos: number;
    /** Index of this video in the dataset's reading order (the single-process order). */
    readonly index: number;
    /** Video name, checked by the worker against what it reads. */
    readonly name: string;
    /** The pickle file holding the video. */
    readonly file: FileRef;
    /** Position of the video in that file's stored order. */
    readonly entry: number;
  };
  readonly model: ModelRef;
  readonly protocol: EvalProtocol;
  readonly backend: JobBackend;
}

/** Where the query points of a track job come from. */
export type TrackQueries =
  { readonly kind: 'file'; readonly file: FileRef } | { readonly kind: 'grid'; readonly n: number; readonly frame: number; readonly mask?: FileRef };

/** One video of a batch tracking run. */
export interface TrackJob {
  readonly kind: 'track';
  readonly run: string;
  /** A video file, a `.npy`, or a folder of PNG frames. */
  readonly video: FileRef;
  readonly queries: TrackQueries;
  readonly model: ModelRef;
  readonly options: { readonly bidirectional: boolean; readonly padQueries: number };
  readonly backend: JobBackend;
  /** Absolute path of the tracks file to write (`.json` or `.csv`). */
  readonly out: string;
}

/** Every job kind. */
export type QueueJob = EvalJob | TrackJob;

const RUN_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** True when `name` is a valid run name (`[A-Za-z0-9._-]`, 1 to 100 characters). */
export function isRunName(name: unknown): name is string {
  return typeof name === 'string' && RUN_NAME.test(name);
}

/**
 * Checks a job payload read from the queue (never trusted): exact keys, types, ranges, absolute
 * paths, lowercase sha256 digests. Returns it typed.
 * @param where - what to name in the message, e.g. `job eval-3f2a...`.
 * @throws TaptrError `TAPTR_JOB_INVALID` naming the first bad field, what it must be and what it is.
 */
export function validateJobPayload(data: unknown, where = 'job'): QueueJob {
  const v = validator(where);
  const job = v.object(data, '', [
    'kind',
    'run',
    ...(isObject(data) && data['kind'] === 'track' ? ['video', 'queries', 'model', 'options', 'backend', 'out'] : ['dataset', 'model', 'protocol', 'backend']),
  ]);
  const kind = v.oneOf(job['kind'], 'kind', ['eval', 'track'] as const);
  if (!isRunName(job['run'])) v.fail('run', 'a run name ([A-Za-z0-9._-], 1 to 100 characters)', job['run']);
  const model = modelRef(v, job['model']);
  const backend = v.oneOf(job['backend'], 'backend', JOB_BACKENDS);
  if (kind === 'eval') {
    const d = v.object(job['dataset'], 'dataset', ['path', 'sha256', 'kind', 'videos', 'index', 'name', 'file', 'entry']);
    const videos = v.int(d['videos'], 'dataset.videos', 1);
    const index = v.int(d['index'], 'dataset.index', 0);
    if (index >= videos) v.fail('dataset.index', `an integer in [0, ${videos - 1}] (dataset.videos = ${videos})`, index);
    const p = v.object(job['protocol'], 'protocol', ['mode', 'resize', 'scale', 'padQueries']);
    if (p['resize'] !== 256 && p['resize'] !== 'none') v.fail('protocol.resize', "256 or 'none'", p['resize']);
    return {
      kind,
      run: job['run'] as string,
      dataset: {
        path: v.path(d['path'], 'dataset.path'),
        sha256: v.sha(d['sha256'], 'dataset.sha256'),
        kind: v.oneOf(d['kind'], 'dataset.kind', ['davis', 'rgb_stacking', 'robotap', 'kinetics'] as const),
        videos,
        index,
        name: v.text(d['name'], 'dataset.name'),
        file: fileRef(v, d['file'], 'dataset.file'),
        entry: v.int(d['entry'], 'dataset.entry', 0),
      },
      model,
      protocol: {
        mode: v.oneOf(p['mode'], 'protocol.mode', ['first', 'strided'] as const),
        resize: p['resize'] as 256 | 'none',
        scale: v.oneOf(p['scale'], 'protocol.scale', ['taptr', 'tapnet'] as const),
        padQueries: v.int(p['padQueries'], 'protocol.padQueries', 0),
      },
      backend,
    };
  }
  const qRaw = job['queries'];
  const qKind = v.oneOf(isObject(qRaw) ? qRaw['kind'] : qRaw, 'queries.kind', ['file', 'grid'] as const);
  let queries: TrackQueries;
  if (qKind === 'file') {
    const q = v.object(qRaw, 'queries', ['kind', 'file']);
    queries = { kind: 'file', file: fileRef(v, q['file'], 'queries.file') };
  } else {
    const q = v.object(qRaw, 'queries', ['kind', 'n', 'frame', ...(isObject(qRaw) && 'mask' in qRaw ? ['mask'] : [])]);
    queries = {
      kind: 'grid',
      n: v.int(q['n'], 'queries.n', 1),
      frame: v.int(q['frame'], 'queries.frame', 0),
      ...('mask' in q ? { mask: fileRef(v, q['mask'], 'queries.mask') } : {}),
    };
  }
  const o = v.object(job['options'], 'options', ['bidirectional', 'padQueries']);
  if (typeof o['bidirectional'] !== 'boolean') v.fail('options.bidirectional', 'a boolean', o['bidirectional']);
  const out = v.path(job['out'], 'out');
  if (!/\.(json|csv)$/i.test(out)) v.fail('out', 'a .json or .csv path', out);
  return {
    kind,
    run: job['run'] as string,
    video: fileRef(v, job['video'], 'video'),
    queries,
    model,
    options: { bidirectional: o['bidirectional'] as boolean, padQueries: v.int(o['padQueries'], 'options.padQueries', 0) },
    backend,
    out,
  };
}

function modelRef(v: Validator, raw: unknown): ModelRef {
  const kind = v.oneOf(isObject(raw) ? raw['kind'] : raw, 'model.kind', ['folder', 'checkpoint', 'baseline'] as const);
  if (kind === 'baseline') {
    const m = v.object(raw, 'model', ['kind', 'name']);
    return { kind, name: v.oneOf(m['name'], 'model.name', ['stationary'] as const) };
  }
  if (kind === 'folder') {
    const m = v.object(raw, 'model', ['kind', 'path', 'sha256']);
    return { kind, path: v.path(m['path'], 'model.path'), sha256: v.sha(m['sha256'], 'model.sha256') };
  }
  const m = v.object(raw, 'model', ['kind', 'path', 'sha256', ...(isObject(raw) && 'config' in raw ? ['config'] : [])]);
  return {
    kind,
    path: v.path(m['path'], 'model.path'),
    sha256: v.sha(m['sha256'], 'model.sha256'),
    ...('config' in m ? { config: fileRef(v, m['config'], 'model.config') } : {}),
  };
}

function fileRef(v: Validator, raw: unknown, name: string): FileRef {
  const f = v.object(raw, name, ['path', 'sha256']);
  return { path: v.path(f['path'], `${name}.path`), sha256: v.sha(f['sha256'], `${name}.sha256`) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Validator {
  fail(field: string, expected: string, actual: unknown): never;
  object(value: unknown, field: string, keys: readonly string[]): Record<string, unknown>;
  oneOf<T extends string>(value: unknown, field: string, choices: readonly T[]): T;
  int(value: unknown, field: string, min: number): number;
  text(value: unknown, field: string): string;
  path(value: unknown, field: string): string;
  sha(value: unknown, field: string): string;
}

function validator(where: string): Validator {
  const v: Validator = {
    fail(field, expected, actual) {
      throw new TaptrError('TAPTR_JOB_INVALID', `${where}: ${field === '' ? 'payload' : field} must be ${expected}, got ${describeValue(actual)}`);
    },
    object(value, field, keys) {
      if (!isObject(value)) v.fail(field, 'an object', value);
      const extra = Object.keys(value).filter((k) => !keys.includes(k));
      if (extra.length > 0) v.fail(field, `an object with keys ${keys.join(', ')}`, `unknown key '${extra[0]}'`);
      const missing = keys.find((k) => !(k in value));
      if (missing !== undefined) v.fail(field === '' ? missing : `${field}.${missing}`, 'present', undefined);
      return value;
    },
    oneOf(value, field, choices) {
      if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) v.fail(field, `one of ${choices.join(', ')}`, value);
      return value as (typeof choices)[number];
    },
    int(value, field, min) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) v.fail(field, `an integer >= ${min}`, value);
      return value;
    },
    text(value, field) {
      if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || value.includes('\0')) v.fail(field, 'a non-empty string', value);
      return value;
    },
    path(value, field) {
      const text = v.text(value, field);
      if (!isAbsolute(text)) v.fail(field, 'an absolute path', value);
      return text;
    },
    sha(value, field) {
      if (typeof value !== 'string' || !SHA256.test(value)) v.fail(field, 'a lowercase hex sha256', value);
      return value;
    },
  };
  return v;
}
