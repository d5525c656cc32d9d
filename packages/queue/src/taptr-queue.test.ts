// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import { Queue, Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EvalJob } from './job-payload.js';
import type { EvalOutcome } from './job-result.js';
import { type QueueWorker, type QueueWorkerOptions, startQueueWorker, type WorkerEvent } from './queue-worker.js';
import { jobIdOf } from './result-key.js';
import { openTaptrQueue, type TaptrQueue } from './taptr-queue.js';
import { evalJob } from './testing/sample-jobs.js';
import { redisUnavailableReason, startTestRedis, type TestRedis } from './testing/redis-server.js';
import { waitForRun } from './wait-for-run.js';

const skip = redisUnavailableReason();
let redis: TestRedis;
let queue: TaptrQueue;

beforeAll(async () => {
  if (skip !== undefined) return;
  redis = await startTestRedis();
  queue = await openTaptrQueue(redis.url);
}, 30_000);
// Workers of a test that failed half-way must not take the next test's jobs.
const running: QueueWorker[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.abort()));
});
afterAll(async () => {
  await queue?.close();
  await redis?.stop();
});

function outcome(job: EvalJob): EvalOutcome {
  return {
    name: job.dataset.name,
    frames: 12,
    width: 256,
    height: 256,
    queries: 5,
    ms: 1,
    metrics: { averageJaccard: job.dataset.index / 10, occlusionAccuracy: null },
    model: { name: 'fake' },
    backend: 'cpu',
  };
}

/**
 * A worker whose eval processor is `run`; returns it and its events. Its own lock is long enough for
 * a loaded machine (a false stall would run a job twice); it looks for dead workers' jobs often.
 */
async function worker(run: (job: EvalJob, signal: AbortSignal) => Promise<EvalOutcome>, options: Partial<QueueWorkerOptions> = {}) {
  const events: WorkerEvent[] = [];
  const w = await startQueueWorker(redis.url, {
    processors: { eval: (job, context) => run(job, context.signal) },
    lockDurationMs: 10_000,
    stalledIntervalMs: 300,
    onEvent: (e) => events.push(e),
    ...options,
  });
  running.push(w);
  return { w, events };
}

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(skip !== undefined)(`taptr queue on a real redis-server${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('runs each job once, keeps results by key: a second submit does no work', async () => {
    const jobs = [0, 1, 2].map((i) => evalJob('once', i));
    expect(await queue.submit('once', jobs, { backoffMs: 10 })).toEqual({ run: 'once', total: 3, done: 0, queued: 3, retried: 0, pending: 0 });
    let calls = 0;
    const { w, events } = await worker(async (job) => {
      calls++;
      return outcome(job);
    });
    const view = await waitForRun(queue, 'once', { intervalMs: 50 });
    expect(view.counts).toEqual({ done: 3, waiting: 0, active: 0, delayed: 0, failed: 0, missing: 0 });
    expect(view.jobs.map((j) => j.result?.kind === 'eval' && j.result.metrics['averageJaccard'])).toEqual([0, 0.1, 0.2]);
    expect(view.jobs.map((j) => j.id)).toEqual(jobs.map(jobIdOf));
    expect(calls).toBe(3);
    // Same work under another run name: no job runs, every video counts as done.
    expect(
      await queue.submit(
        'again',
        jobs.map((j) => ({ ...j, run: 'again' })),
      ),
    ).toEqual({ run: 'again', total: 3, done: 3, queued: 0, retried: 0, pending: 0 });
    expect((await queue.inspect('again')).counts.done).toBe(3);
    await w.stop();
    expect(calls).toBe(3);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(3);
    expect(await queue.runs()).toEqual(expect.arrayContaining(['again', 'once']));
  });

  it('retries with backoff, then the job lands in the failed set with its one-line error; retry() sends it back', async () => {
    const job = evalJob('flaky', 0, { dataset: { ...evalJob('x', 0).dataset, sha256: '1'.repeat(64) } });
    await queue.submit('flaky', [job], { attempts: 3, backoffMs: 50 });
    let calls = 0;
    let healthy = false;
    const { w, events } = await worker(async (j) => {
      calls++;
      if (!healthy) throw new TaptrError('TAPTR_IO', `cannot read ${j.dataset.file.path} (EIO)\nsecond line`);
      return outcome(j);
    });
    const failed = await waitForRun(queue, 'flaky', { intervalMs: 50 });
    expect(calls).toBe(3);
    expect(failed.counts.failed).toBe(1);
    expect(failed.jobs[0]).toMatchObject({
      state: 'failed',
      attempts: 3,
      maxAttempts: 3,
      error: 'TAPTR_IO: cannot read /data/tapvid_davis.pkl (EIO) second line',
    });
    expect(events.filter((e) => e.type === 'fail').map((e) => e.type === 'fail' && e.final)).toEqual([false, false, true]);
    healthy = true;
    expect(await queue.retry('flaky')).toBe(1);
    expect((await waitForRun(queue, 'flaky', { intervalMs: 50 })).counts.done).toBe(1);
    await w.stop();
  });

  it('format errors and invalid payloads fail at once, whatever the attempts', async () => {
    const job = evalJob('broken', 0, { dataset: { ...evalJob('x', 0).dataset, sha256: '2'.repeat(64) } });
    await queue.submit('broken', [job], { attempts: 5, backoffMs: 10 });
    let calls = 0;
    const { w } = await worker(async () => {
      calls++;
      throw new TaptrError('TAPTR_DATASET_FORMAT', "video 'x': missing key 'points'");
    });
    const view = await waitForRun(queue, 'broken', { intervalMs: 50 });
    expect(calls).toBe(1);
    expect(view.jobs[0]).toMatchObject({ state: 'failed', error: "TAPTR_DATASET_FORMAT: video 'x': missing key 'points'" });
    // A payload written straight into the queue (not through submit) is checked by the worker.
    const raw = new Queue('jobs', { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'taptr' });
    const forged = { ...evalJob('broken', 1), dataset: { ...evalJob('x', 1).dataset, path: 'relative.pkl' } };
    await raw.add('forged', forged, { jobId: 'eval-forged', attempts: 3 });
    await until(async () => (await raw.getJobState('eval-forged')) === 'failed');
    expect((await raw.getJob('eval-forged'))!.failedReason).toBe(
      'TAPTR_JOB_INVALID: job eval-forged: dataset.path must be an absolute path, got "relative.pkl"',
    );
    const wrongId = evalJob('broken', 2);
    await raw.add('wrong id', wrongId, { jobId: 'eval-0000', attempts: 1 });
    await until(async () => (await raw.getJobState('eval-0000')) === 'failed');
    expect((await raw.getJob('eval-0000'))!.failedReason).toMatch(/^TAPTR_JOB_INVALID: job eval-0000: its id does not match its payload/);
    expect(calls).toBe(1);
    await raw.close();
    await w.stop();
  });

  it('a worker that dies mid-job loses it to another after the lock expires (stalled-job detection)', async () => {
    const job = evalJob('stall', 0, { dataset: { ...evalJob('x', 0).dataset, sha256: '3'.repeat(64) } });
    await queue.submit('stall', [job], { backoffMs: 10 });
    // A bare BullMQ worker that never finishes; closing it with force stops its lock renewal and
    // leaves the job active, as a SIGKILL would (the CLI test kills a real process).
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const doomed = new Worker(
      'jobs',
      async () => {
        started();
        return new Promise(() => {});
      },
      { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }, prefix: 'taptr', lockDuration: 1000, stalledInterval: 300 },
    );
    await running;
    await doomed.close(true);
    expect((await queue.inspect('stall')).counts.active).toBe(1);
    const { w, events } = await worker(async (j) => outcome(j));
    const view = await waitForRun(queue, 'stall', { intervalMs: 50 });
    expect(view.counts.done).toBe(1);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['stalled', 'start', 'done']));
    await w.stop();
  });

  it('abort() gives the running job back to the queue at once, without using a try', async () => {
    const job = evalJob('abort', 0, { dataset: { ...evalJob('x', 0).dataset, sha256: '4'.repeat(64) } });
    await queue.submit('abort', [job], { attempts: 1 });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = await worker(
      (_j, signal) =>
        new Promise<EvalOutcome>((_resolve, reject) => {
          started();
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
      { lockDurationMs: 60_000 },
    );
    await running;
    await first.w.abort();
    expect(first.events.map((e) => e.type)).toEqual(['start', 'released']);
    const view = await queue.inspect('abort');
    expect(view.jobs[0]).toMatchObject({ state: 'waiting', attempts: 0 });
    const second = await worker(async (j) => outcome(j));
    expect((await waitForRun(queue, 'abort', { intervalMs: 50 })).counts.done).toBe(1);
    await second.w.stop();
  });

  it('clean forgets a run and its failed jobs; results stay unless asked', async () => {
    const before = (await queue.inspect('broken')).jobs.length;
    expect(before).toBe(1);
    expect(await queue.clean('broken')).toEqual({ runs: 1, jobs: 1, results: 0 });
    await expect(queue.inspect('broken')).rejects.toThrow(/no run 'broken' in the queue at redis:\/\/127\.0\.0\.1/);
    expect(await queue.clean('once', { results: true })).toEqual({ runs: 1, jobs: 0, results: 3 });
    expect((await queue.inspect('again')).counts).toMatchObject({ done: 0, missing: 3 });
  });

  it('an unreachable Redis is one clear TAPTR_NETWORK error', async () => {
    await expect(openTaptrQueue('redis://127.0.0.1:1/0', { connectTimeoutMs: 2000 })).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0: .*ECONNREFUSED/,
    );
  });
});
