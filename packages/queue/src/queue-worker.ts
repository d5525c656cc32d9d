// SPDX-License-Identifier: Apache-2.0
import { hostname } from 'node:os';
import { invalidArgument, isTaptrError, TaptrError, type TaptrErrorCode } from '@taptr/tensor';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { EvalJob, QueueJob, TrackJob } from './job-payload.js';
import { validateJobPayload } from './job-payload.js';
import { type EvalOutcome, parseJobResult, type QueueJobResult, type TrackOutcome } from './job-result.js';
import { parseQueueUrl } from './queue-url.js';
import { connectRedis, DEFAULT_PREFIX, QUEUE_NAME, redisKeys } from './redis-client.js';
import { jobIdOf, resultKey } from './result-key.js';

/** What a processor gets besides its job. */
export interface JobContext {
  readonly id: string;
  /** 1 for the first try. */
  readonly attempt: number;
  /** Aborted when the worker is told to abort (second SIGINT): stop and reject. */
  readonly signal: AbortSignal;
  /** Reports progress (shown by the submitter and `taptr queue status`); cheap to call often. */
  progress(done: number, total: number): void;
  /**
   * Holds the job's lock for `ms` from now: call it before a step that blocks the event loop for
   * long (loading a model, decoding a long video), during which the lock cannot be renewed; call it
   * without `ms` after the step to go back to `lockDurationMs` (so that a worker killed later loses
   * its job to another after `lockDurationMs`, not `ms`).
   */
  extendLock(ms?: number): Promise<void>;
}

/** The work itself, supplied by the caller (the CLI): one function per job kind. */
export interface JobProcessors {
  readonly eval?: (job: EvalJob, context: JobContext) => Promise<EvalOutcome>;
  readonly track?: (job: TrackJob, context: JobContext) => Promise<TrackOutcome>;
  /** Whether a stored result still stands (default yes); when not, the job runs again. */
  readonly reuse?: (job: QueueJob, result: QueueJobResult) => boolean | Promise<boolean>;
}

/** What a worker reports (the CLI prints these; the library never does). */
export type WorkerEvent =
  | { readonly type: 'start'; readonly id: string; readonly name: string; readonly attempt: number; readonly maxAttempts: number }
  | { readonly type: 'skip'; readonly id: string; readonly name: string }
  | { readonly type: 'done'; readonly id: string; readonly name: string; readonly ms: number; readonly result: QueueJobResult }
  | {
      readonly type: 'fail';
      readonly id: string;
      readonly name: string;
      readonly error: string;
      readonly final: boolean;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly stack?: string;
    }
  | { readonly type: 'released'; readonly id: string; readonly name: string }
  | { readonly type: 'stalled'; readonly id: string }
  | { readonly type: 'error'; readonly error: string };

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  readonly processors: JobProcessors;
  /** Jobs run at the same time in this process (default 1). */
  readonly concurrency?: number;
  /**
   * How long a job's lock lives without renewal (default 120 s; renewed every half of it while the
   * job runs). A worker that dies (SIGKILL, lost machine) loses its jobs to the others after this.
   * Renewal needs the event loop: onnxruntime-node runs each model call synchronously, so half of
   * this must exceed the longest single model call (else a busy job is taken for a dead one).
   */
  readonly lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Times a job may be found stalled before it fails (default 2). */
  readonly maxStalledCount?: number;
  /** Worker name in results and status (default `host:pid`). */
  readonly name?: string;
  readonly prefix?: string;
  readonly connectTimeoutMs?: number;
  readonly onEvent?: (event: WorkerEvent) => void;
}

/** A running worker. */
export interface QueueWorker {
  readonly name: string;
  /** Takes no new job; resolves once the running jobs have finished (SIGTERM, first SIGINT). */
  stop(): Promise<void>;
  /** Aborts the running jobs and gives them back to the queue for another worker (second SIGINT). */
  abort(): Promise<void>;
  /** Resolves when the worker has closed. */
  readonly closed: Promise<void>;
}

/**
 * Failures that another try cannot fix: the job's files were verified by sha256, so a format error
 * is the file's, and an invalid payload stays invalid. Such jobs fail at once; the others (I/O, a
 * path outside this worker's `--allow-root`, a different copy of a file, a missing runtime, bugs)
 * are tried again with backoff, possibly on another worker.
 */
const FINAL_CODES: ReadonlySet<TaptrErrorCode> = new Set([
  'TAPTR_JOB_INVALID',
  'TAPTR_INVALID_ARGUMENT',
  'TAPTR_DATASET_FORMAT',
  'TAPTR_PICKLE_FORMAT',
  'TAPTR_PICKLE_FORBIDDEN',
  'TAPTR_NPY_FORMAT',
  'TAPTR_CHECKPOINT_FORMAT',
  'TAPTR_CHECKPOINT_MISMATCH',
  'TAPTR_CHECKPOINT_CORRUPT',
  'TAPTR_CONFIG_INVALID',
  'TAPTR_VIDEO_FORMAT',
]);

/**
 * Starts a worker on the queue at `url`: takes jobs, validates each payload (never trusts the
 * queue), skips work whose result is stored, runs the kind's processor, stores the result under its
 * key. Failures are retried with backoff up to the job's attempts; jobs of a dead worker are taken
 * over after `lockDurationMs` (BullMQ stalled-job detection).
 * @throws TypeError / RangeError for bad options; TaptrError `TAPTR_NETWORK` when Redis does not answer.
 */
export async function startQueueWorker(url: string, options: QueueWorkerOptions): Promise<QueueWorker> {
  const FN = 'startQueueWorker';
  const concurrency = options.concurrency ?? 1;
  const lockDuration = options.lockDurationMs ?? 120_000;
  const stalledInterval = options.stalledIntervalMs ?? 30_000;
  const maxStalledCount = options.maxStalledCount ?? 2;
  for (const [arg, value, min] of [
    ['concurrency', concurrency, 1],
    ['lockDurationMs', lockDuration, 100],
    ['stalledIntervalMs', stalledInterval, 100],
    ['maxStalledCount', maxStalledCount, 0],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min) throw invalidArgument('range', FN, `options.${arg}`, `an integer >= ${min}`, String(value));
  }
  const parsed = parseQueueUrl(url);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const emit = (event: WorkerEvent): void => options.onEvent?.(event);
  const redis = await connectRedis(parsed, options.connectTimeoutMs);
  const keys = redisKeys(prefix);
  const { processors } = options;

  const process_ = async (job: Job, token?: string, signal?: AbortSignal): Promise<{ key: string }> => {
    const id = job.id ?? '?';
    const label = job.name;
    const maxAttempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    let payload: QueueJob;
    try {
      payload = validateJobPayload(job.data, `job ${id}`);
      if (jobIdOf(payload) !== id) throw new TaptrError('TAPTR_JOB_INVALID', `job ${id}: its id does not match its payload (${jobIdOf(payload)})`);
    } catch (error) {
      const message = describe(error);
      emit({ type: 'fail', id, name: label, error: message, final: true, attempt, maxAttempts });
      throw new UnrecoverableError(message);
    }
    const key = resultKey(payload);
    const stored = await redis.get(keys.result(key));
    if (stored !== null) {
      let result: QueueJobResult | undefined;
      try {
        result = parseJobResult(stored, key);
      } catch {
        result = undefined;
      }
      if (result !== undefined && (processors.reuse === undefined || (await processors.reuse(payload, result)))) {
        emit({ type: 'skip', id, name: label });
        return { key };
      }
    }
    emit({ type: 'start', id, name: label, attempt, maxAttempts });
    const controller = new AbortController();
    if (signal?.aborted) controller.abort(signal.reason);
    signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    let lastReport = 0;
    const context: JobContext = {
      id,
      attempt,
      signal: controller.signal,
      progress(done, total) {
        const now = Date.now();
        if (now - lastReport < 500 && done < total) return;
        lastReport = now;
        job.updateProgress({ done, total }).catch(() => {});
      },
      extendLock: async (ms) => {
        if (token !== undefined) await job.extendLock(token, ms ?? lockDuration).catch(() => {});
      },
    };
    const started = performance.now();
    try {
      let outcome: EvalOutcome | TrackOutcome;
      if (payload.kind === 'eval') {
        if (processors.eval === undefined) throw new TaptrError('TAPTR_NO_RUNTIME', `worker ${name} does not run eval jobs`);
        outcome = await processors.eval(payload, context);
      } else {
        if (processors.track === undefined) throw new TaptrError('TAPTR_NO_RUNTIME', `worker ${name} does not run track jobs`);
        outcome = await processors.track(payload, context);
      }
      const result = { ...outcome, kind: payload.kind, key, worker: name, finishedAt: Date.now() } as QueueJobResult;
      await redis.set(keys.result(key), JSON.stringify(result));
      emit({ type: 'done', id, name: label, ms: Math.round(performance.now() - started), result });
      return { key };
    } catch (error) {
      if (controller.signal.aborted && token !== undefined) {
        await job.moveToWait(token);
        emit({ type: 'released', id, name: label });
        throw new WaitingError();
      }
      const message = describe(error);
      const final = (isTaptrError(error) && FINAL_CODES.has(error.code)) || attempt >= maxAttempts;
      const stack = isTaptrError(error) ? undefined : (error as Error)?.stack;
      emit({ type: 'fail', id, name: label, error: message, final, attempt, maxAttempts, ...(stack !== undefined ? { stack } : {}) });
      throw isTaptrError(error) && FINAL_CODES.has(error.code) ? new UnrecoverableError(message) : new Error(message);
    }
  };

  const worker = new Worker(QUEUE_NAME, process_, {
    connection: { ...parsed.options, maxRetriesPerRequest: null },
    prefix,
    name,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    autorun: true,
  });
  worker.on('error', (error) => emit({ type: 'error', error: describe(error) }));
  worker.on('stalled', (id) => emit({ type: 'stalled', id }));
  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const finish = (force: boolean): Promise<void> => {
    if (force) worker.cancelAllJobs('aborted by the worker');
    closing ??= worker.close().finally(() => {
      redis.disconnect();
      resolveClosed();
    });
    return closing;
  };
  await worker.waitUntilReady();
  return { name, stop: () => finish(false), abort: () => finish(true), closed };
}

/** One line: `CODE: message` for taptr errors, the first line of anything else. */
function describe(error: unknown): string {
  if (isTaptrError(error)) return `${error.code}: ${error.message.replace(/\s*\n\s*/g, ' ')}`;
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!;
}
