// SPDX-License-Identifier: Apache-2.0
import { openTaptrQueue, type QueueJob, type RunView, type SubmitOptions, type SubmitSummary, type TaptrQueue, waitForRun } from '@taptr/queue';
import { TaptrError } from '@taptr/tensor';
import type { CliIo } from '../cli-io.js';
import { startProgress } from '../progress.js';
import type { QueueSubmitOptions } from './queue-options.js';

/** What {@link submitAndWatch} submits. */
export interface RunRequest {
  /** The run's name and its jobs, one per video. */
  readonly run: string;
  readonly jobs: readonly QueueJob[];
  /** `--queue`, `--attempts`, `--backoff`, `--detach`. */
  readonly submit: QueueSubmitOptions & { readonly queue: string };
  /** Kept with the run (`taptr queue status`). */
  readonly meta: Readonly<Record<string, unknown>>;
  /** Whether a stored result still stands (default: yes). */
  readonly reuse?: SubmitOptions['reuse'];
  /** What the same command does when run again after `--detach`, e.g. `waits for it and writes the metrics`. */
  readonly again: string;
  /** `--json`: no progress bar. */
  readonly json?: boolean;
  /** Time between two looks at the run (default 1 s). */
  readonly intervalMs?: number;
}

/** A finished run: every job done (failures have already been reported and thrown). */
export interface FinishedRun {
  readonly view: RunView;
  readonly summary: SubmitSummary;
}

/**
 * The queued side of `taptr eval --queue` and `taptr track --queue`: submits the jobs as a run,
 * says on stderr what was submitted (and, with `--detach`, returns undefined), waits with one
 * progress bar over all workers, and prints each failed video's error.
 * @throws TaptrError `TAPTR_JOB_FAILED` when videos failed (finished ones are kept; the message
 *   says how to retry).
 */
export async function submitAndWatch(io: CliIo, request: RunRequest): Promise<FinishedRun | undefined> {
  const { run, jobs, submit } = request;
  const queue = await openTaptrQueue(submit.queue);
  try {
    const summary = await queue.submit(run, jobs, {
      attempts: submit.attempts,
      backoffMs: submit.backoff,
      meta: request.meta,
      ...(request.reuse !== undefined ? { reuse: request.reuse } : {}),
    });
    io.stderr.write(
      `run ${run} on ${queue.url}: ${summary.total} videos (${summary.done} already done, ${summary.queued} queued, ${summary.retried} retried, ${summary.pending} already in the queue)\n`,
    );
    if (submit.detach === true) {
      io.stderr.write(`detached: workers run it (taptr worker --queue ...); the same command again ${request.again}\n`);
      return undefined;
    }
    const view = await watchRun(io, queue, run, {
      ...(request.json !== undefined ? { json: request.json } : {}),
      ...(request.intervalMs !== undefined ? { intervalMs: request.intervalMs } : {}),
    });
    const failed = reportFailures(io, view);
    if (failed > 0) {
      throw new TaptrError(
        'TAPTR_JOB_FAILED',
        `${failed} of ${view.jobs.length} videos of run ${run} failed (above); finished videos are kept: fix the cause and run the same command again, or taptr queue retry --queue ${queue.url} --run ${run}`,
      );
    }
    return { view, summary };
  } finally {
    await queue.close();
  }
}

/**
 * Waits for a run with one progress bar over all workers on stderr (videos done of total, failed,
 * running, frames per second of the videos finished since the wait began); returns the final view.
 */
async function watchRun(io: CliIo, queue: TaptrQueue, run: string, options: { readonly json?: boolean; readonly intervalMs?: number } = {}): Promise<RunView> {
  const since = Date.now();
  let bar: ReturnType<typeof startProgress> | undefined;
  try {
    return await waitForRun(queue, run, {
      intervalMs: options.intervalMs ?? 1000,
      onProgress: (view) => {
        bar ??= startProgress(io.stderr, `run ${run}`, view.jobs.length, 'videos', options.json !== true);
        let frames = 0;
        for (const job of view.jobs) if (job.result !== undefined && job.result.finishedAt >= since) frames += job.result.frames;
        const seconds = (Date.now() - since) / 1000;
        const detail = [
          `${view.counts.failed} failed`,
          `${view.counts.active} running`,
          `${seconds > 0 ? (frames / seconds).toFixed(2) : '0.00'} frames/s`,
        ].join(' | ');
        bar.update(view.counts.done, view.jobs.length, detail);
      },
    });
  } finally {
    bar?.stop();
  }
}

/**
 * Prints each failed or missing job of a finished run on stderr (`  NAME: error`) and returns how
 * many there were.
 */
function reportFailures(io: CliIo, view: RunView): number {
  const failed = view.jobs.filter((j) => j.state === 'failed' || j.state === 'missing');
  for (const job of failed) io.stderr.write(`  ${job.name}: ${job.error ?? job.state}\n`);
  return failed.length;
}
