// SPDX-License-Identifier: Apache-2.0
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const maxRssBytes = (): number => process.resourceUsage().maxRSS * 1024;

/**
 * The peak resident set size of the process while a task runs, in MB (10^6 bytes).
 * RSS is sampled every `intervalMs`; since onnxruntime returns memory after each run (no arena), a
 * sample can miss a short peak, so when the process's maxRSS rose during the task the peak is that
 * maxRSS (the kernel's exact high-water mark, reached during the task). Otherwise the task stayed
 * below an earlier high-water mark and the largest sample is reported.
 */
export async function withPeakRss<T>(task: () => Promise<T>, intervalMs = 25): Promise<{ value: T; peakRssMB: number }> {
  const before = maxRssBytes();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  try {
    const value = await task();
    peak = Math.max(peak, process.memoryUsage.rss());
    const after = maxRssBytes();
    if (after > before) peak = Math.max(peak, after);
    return { value, peakRssMB: Math.round(peak / 1e6) };
  } finally {
    clearInterval(timer);
  }
}

let gcFunction: (() => void) | undefined;

/**
 * Runs a full garbage collection (V8's `gc`, exposed for this process on first use), so that a
 * measurement's peak RSS does not include garbage left by what ran before it (graph building, a
 * probe). Benchmarks only.
 */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}
