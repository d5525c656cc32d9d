// SPDX-License-Identifier: Apache-2.0
import type { RunView, TaptrQueue } from './taptr-queue.js';

/** Options of {@link waitForRun}. */
export interface WaitForRunOptions {
  /** Time between two looks at the run (default 1000 ms). */
  readonly intervalMs?: number;
  /** Called after every look (progress display). */
  readonly onProgress?: (view: RunView) => void;
  /** Stops waiting (rejects with the signal's reason); the run goes on in the workers. */
  readonly signal?: AbortSignal;
}

/**
 * Waits until no job of `run` is waiting, delayed or running, and returns the final view: every
 * job then is `done`, `failed` (its tries used up; its error is in the view) or `missing`.
 */
export async function waitForRun(queue: TaptrQueue, run: string, options: WaitForRunOptions = {}): Promise<RunView> {
  const intervalMs = options.intervalMs ?? 1000;
  for (;;) {
    options.signal?.throwIfAborted();
    const view = await queue.inspect(run);
    options.onProgress?.(view);
    if (view.counts.waiting + view.counts.active + view.counts.delayed === 0) return view;
    await sleep(intervalMs, options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
