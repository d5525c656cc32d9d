// SPDX-License-Identifier: Apache-2.0
import { type RunView, type TaptrQueue, waitForRun } from '@taptr/queue';
import type { CliIo } from '../cli-io.js';
import { startProgress } from '../progress.js';

/**
 * Waits for a run with one progress bar over all workers on stderr (videos done of total, failed,
 * running, frames per second of the videos finished since the wait began); returns the final view.
 */
export async function watchRun(io: CliIo, queue: TaptrQueue, run: string, options: { readonly json?: boolean; readonly intervalMs?: number } = {}): Promise<RunView> {
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
        const detail = [`${view.counts.failed} failed`, `${view.counts.active} running`, `${seconds > 0 ? (frames / seconds).toFixed(2) : '0.00'} frames/s`].join(' | ');
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
export function reportFailures(io: CliIo, view: RunView): number {
  const failed = view.jobs.filter((j) => j.state === 'failed' || j.state === 'missing');
  for (const job of failed) io.stderr.write(`  ${job.name}: ${job.error ?? job.state}\n`);
  return failed.length;
}
