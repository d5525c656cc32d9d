// SPDX-License-Identifier: Apache-2.0
import { invalidArgument, TaptrError } from '@taptr/tensor';
import { type Job, Queue } from 'bullmq';
import { isRunName, type QueueJob, validateJobPayload } from './job-payload.js';
import { parseJobResult, type QueueJobResult } from './job-result.js';
import { parseQueueUrl } from './queue-url.js';
import { connectRedis, DEFAULT_PREFIX, QUEUE_NAME, redisKeys } from './redis-client.js';
import { jobIdOf } from './result-key.js';

/** Options of {@link openTaptrQueue}. */
export interface OpenQueueOptions {
  /** Key prefix in Redis (default `taptr`); runs, jobs and results under another prefix are separate. */
  readonly prefix?: string;
  /** How long to wait for Redis to answer at start (default 10 s). */
  readonly connectTimeoutMs?: number;
}

/** Options of {@link TaptrQueue.submit}. */
export interface SubmitOptions {
  /** Tries per job before it lands in the failed set (default 3). */
  readonly attempts?: number;
  /** First retry delay; doubles at each further try (exponential backoff; default 10 s). */
  readonly backoffMs?: number;
  /** Free-form description kept with the run (shown by `status`). */
  readonly meta?: Readonly<Record<string, unknown>>;
  /**
   * Whether a stored result still stands (e.g. its output file is unchanged); default yes. A result
   * that does not is deleted and its job queued again.
   */
  readonly reuse?: (job: QueueJob, result: QueueJobResult) => boolean | Promise<boolean>;
}

/** What {@link TaptrQueue.submit} did. */
export interface SubmitSummary {
  readonly run: string;
  readonly total: number;
  /** Jobs whose result was already stored: no work. */
  readonly done: number;
  /** Jobs added to the queue. */
  readonly queued: number;
  /** Failed (or finished but result-less) jobs sent back to the queue. */
  readonly retried: number;
  /** Jobs already waiting, delayed or running (from an earlier submit): left as they are. */
  readonly pending: number;
}

/** State of one job of a run. */
export type RunJobState = 'done' | 'waiting' | 'active' | 'delayed' | 'failed' | 'missing';

/** One job as {@link TaptrQueue.inspect} sees it. */
export interface RunJobView {
  readonly id: string;
  /** Video name. */
  readonly name: string;
  readonly state: RunJobState;
  /** Tries made so far and allowed. */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Last error (one line), for failed jobs and jobs waiting for a retry. */
  readonly error?: string;
  /** The worker's last progress report (running jobs). */
  readonly progress?: { readonly done: number; readonly total: number };
  /** The stored result (done jobs). */
  readonly result?: QueueJobResult;
}

/** A run's state. */
export interface RunView {
  readonly run: string;
  readonly kind: string;
  readonly created: number;
  readonly meta: Readonly<Record<string, unknown>>;
  /** Jobs in the run's order (the dataset's video order). */
  readonly jobs: readonly RunJobView[];
  readonly counts: Readonly<Record<RunJobState, number>>;
}

/** The submitter's and operator's side of the queue (workers: see `startQueueWorker`). */
export interface TaptrQueue {
  /** The URL with its password hidden. */
  readonly url: string;
  /**
   * Submits a run: every job whose result is stored counts as done (no work), failed jobs are sent
   * back, the others are added (one queue job per result key: a job already queued by another run
   * is shared, never run twice). Jobs keep the given order as the run's order.
   * @throws TaptrError `TAPTR_JOB_INVALID` for an invalid payload or a job of another run.
   */
  submit(run: string, jobs: readonly QueueJob[], options?: SubmitOptions): Promise<SubmitSummary>;
  /** The state of every job of a run. @throws TaptrError `TAPTR_JOB_INVALID` for an unknown run. */
  inspect(run: string): Promise<RunView>;
  /** Names of the runs, sorted. */
  runs(): Promise<string[]>;
  /** Sends the failed jobs of a run (of every run when omitted) back to the queue; returns how many. */
  retry(run?: string): Promise<number>;
  /**
   * Forgets a run (every run when omitted): its record, its failed and waiting jobs. Results stay
   * (they make a later submit free) unless `results` is true. Running jobs finish.
   */
  clean(run?: string, options?: { readonly results?: boolean }): Promise<{ readonly runs: number; readonly jobs: number; readonly results: number }>;
  /** Closes the connections. */
  close(): Promise<void>;
}

/**
 * Connects to the queue at a `redis://` / `rediss://` URL.
 * @throws TypeError / RangeError for a malformed URL; TaptrError `TAPTR_NETWORK` when Redis does not answer.
 */
export async function openTaptrQueue(url: string, options: OpenQueueOptions = {}): Promise<TaptrQueue> {
  const parsed = parseQueueUrl(url);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const redis = await connectRedis(parsed, options.connectTimeoutMs);
  const keys = redisKeys(prefix);
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix });
  queue.on('error', () => {});

  const storedResult = async (id: string, text: string | null): Promise<QueueJobResult | undefined> => {
    if (text === null) return undefined;
    try {
      return parseJobResult(text, resultKeyOfId(id));
    } catch {
      return undefined; // a damaged record is no result: the job runs again
    }
  };

  const viewOf = async (id: string, result: QueueJobResult | undefined): Promise<RunJobView> => {
    if (result !== undefined) return { id, name: result.kind === 'eval' ? result.name : result.out, state: 'done', attempts: 0, maxAttempts: 0, result };
    // State first, then the job's data: a job read before its state may predate its failure (no reason yet).
    const raw = await queue.getJobState(id);
    const job = raw === 'unknown' ? undefined : await queue.getJob(id);
    if (raw === 'unknown' || raw === 'completed' || job === undefined) {
      // The job may have finished (and been removed) since the results were read.
      const late = await storedResult(id, await redis.get(keys.result(resultKeyOfId(id))));
      if (late !== undefined) return viewOf(id, late);
    }
    const name = job?.name ?? id;
    const maxAttempts = job?.opts.attempts ?? 1;
    const attempts = job?.attemptsMade ?? 0;
    if (job === undefined) return { id, name, state: 'missing', attempts, maxAttempts, error: 'no job and no result (cleaned?): submit the run again' };
    const error = job.failedReason ? oneLine(job.failedReason) : undefined;
    const state: RunJobState =
      raw === 'active'
        ? 'active'
        : raw === 'failed'
          ? 'failed'
          : raw === 'delayed'
            ? 'delayed'
            : raw === 'waiting' || raw === 'prioritized' || raw === 'waiting-children'
              ? 'waiting'
              : 'missing';
    const progress = progressOf(job);
    return {
      id,
      name,
      state,
      attempts,
      maxAttempts,
      ...(error !== undefined && state !== 'active'
        ? { error }
        : state === 'missing'
          ? { error: `job is ${raw} but its result is gone: submit the run again` }
          : {}),
      ...(progress !== undefined && state === 'active' ? { progress } : {}),
    };
  };

  const runIds = async (run: string): Promise<string[]> => {
    if (!isRunName(run)) throw invalidArgument('range', 'TaptrQueue', 'run', 'a run name ([A-Za-z0-9._-], 1 to 100 characters)', JSON.stringify(run));
    return redis.lrange(keys.runJobs(run), 0, -1);
  };

  const api: TaptrQueue = {
    url: parsed.display,
    async submit(run, jobs, submitOptions = {}) {
      if (!isRunName(run)) throw invalidArgument('range', 'TaptrQueue.submit', 'run', 'a run name ([A-Za-z0-9._-], 1 to 100 characters)', JSON.stringify(run));
      const attempts = submitOptions.attempts ?? 3;
      const backoffMs = submitOptions.backoffMs ?? 10_000;
      if (!Number.isSafeInteger(attempts) || attempts < 1)
        throw invalidArgument('range', 'TaptrQueue.submit', 'options.attempts', 'a positive integer', String(attempts));
      if (!Number.isSafeInteger(backoffMs) || backoffMs < 0)
        throw invalidArgument('range', 'TaptrQueue.submit', 'options.backoffMs', 'a non-negative integer', String(backoffMs));
      const checked = jobs.map((job, i) => {
        const valid = validateJobPayload(job, `submit: job ${i}`);
        if (valid.run !== run) throw new TaptrError('TAPTR_JOB_INVALID', `submit: job ${i} belongs to run '${valid.run}', not '${run}'`);
        return valid;
      });
      const ids = checked.map(jobIdOf);
      const seen = new Map<string, number>();
      ids.forEach((id, i) => {
        if (seen.has(id)) throw new TaptrError('TAPTR_JOB_INVALID', `submit: jobs ${seen.get(id)} and ${i} are the same work (same result key)`);
        seen.set(id, i);
      });
      const kinds = new Set(checked.map((j) => j.kind));
      const stored = ids.length > 0 ? await redis.mget(ids.map((id) => keys.result(resultKeyOfId(id)))) : [];
      let done = 0;
      let queued = 0;
      let retried = 0;
      let pending = 0;
      const jobOptions = { attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: true, removeOnFail: false } as const;
      for (let i = 0; i < checked.length; i++) {
        const job = checked[i]!;
        const id = ids[i]!;
        const result = await storedResult(id, stored[i] ?? null);
        if (result !== undefined && (submitOptions.reuse === undefined || (await submitOptions.reuse(job, result)))) {
          done++;
          continue;
        }
        if (stored[i] !== null && stored[i] !== undefined) await redis.del(keys.result(resultKeyOfId(id)));
        const existing = await queue.getJob(id);
        const state = existing === undefined ? 'unknown' : await existing.getState();
        if (existing === undefined || state === 'unknown') {
          await queue.add(jobName(job), job, { ...jobOptions, jobId: id });
          queued++;
        } else if (state === 'failed' || state === 'completed') {
          await existing.updateData(job);
          await existing.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
          retried++;
        } else {
          // Waiting or delayed jobs take the new paths (same content, maybe another mount); a running one is left alone.
          if (state !== 'active') await existing.updateData(job);
          pending++;
        }
      }
      const record = redis
        .multi()
        .sadd(keys.runs, run)
        .hset(keys.run(run), { kind: [...kinds].join(',') || 'empty', created: String(Date.now()), meta: JSON.stringify(submitOptions.meta ?? {}) })
        .del(keys.runJobs(run));
      if (ids.length > 0) record.rpush(keys.runJobs(run), ...ids);
      await record.exec();
      return { run, total: checked.length, done, queued, retried, pending };
    },
    async inspect(run) {
      const ids = await runIds(run);
      const record = await redis.hgetall(keys.run(run));
      if (record['kind'] === undefined) throw new TaptrError('TAPTR_JOB_INVALID', `no run '${run}' in the queue at ${parsed.display}`);
      const texts = ids.length > 0 ? await redis.mget(ids.map((id) => keys.result(resultKeyOfId(id)))) : [];
      const jobs = await Promise.all(ids.map(async (id, i) => viewOf(id, await storedResult(id, texts[i] ?? null))));
      const counts: Record<RunJobState, number> = { done: 0, waiting: 0, active: 0, delayed: 0, failed: 0, missing: 0 };
      for (const job of jobs) counts[job.state]++;
      let meta: Record<string, unknown> = {};
      try {
        meta = JSON.parse(record['meta'] ?? '{}') as Record<string, unknown>;
      } catch {
        // an unreadable description is shown as empty
      }
      return { run, kind: record['kind'], created: Number(record['created']), meta, jobs, counts };
    },
    async runs() {
      return (await redis.smembers(keys.runs)).filter(isRunName).sort();
    },
    async retry(run) {
      const ids = run !== undefined ? await runIds(run) : (await queue.getFailed(0, -1)).map((j) => j.id!).filter(Boolean);
      let count = 0;
      for (const id of ids) {
        const job = await queue.getJob(id);
        if (job !== undefined && (await job.getState()) === 'failed') {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          count++;
        }
      }
      return count;
    },
    async clean(run, cleanOptions = {}) {
      const names = run !== undefined ? [run] : await api.runs();
      let jobsRemoved = 0;
      let resultsRemoved = 0;
      for (const name of names) {
        const ids = await runIds(name);
        for (const id of ids) {
          const job = await queue.getJob(id);
          if (job !== undefined && (await job.getState()) !== 'active') {
            await job.remove();
            jobsRemoved++;
          }
          if (cleanOptions.results === true) resultsRemoved += await redis.del(keys.result(resultKeyOfId(id)));
        }
        await redis.multi().srem(keys.runs, name).del(keys.run(name)).del(keys.runJobs(name)).exec();
      }
      return { runs: names.length, jobs: jobsRemoved, results: resultsRemoved };
    },
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
  return api;
}

/** The result key inside a job id `<kind>-<key>`. */
function resultKeyOfId(id: string): string {
  return id.slice(id.indexOf('-') + 1);
}

function jobName(job: QueueJob): string {
  return job.kind === 'eval' ? job.dataset.name : job.video.path.split(/[\\/]/).pop()!;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function progressOf(job: Job): { done: number; total: number } | undefined {
  const p = job.progress as unknown;
  if (typeof p !== 'object' || p === null) return undefined;
  const { done, total } = p as Record<string, unknown>;
  return typeof done === 'number' && typeof total === 'number' ? { done, total } : undefined;
}
