// SPDX-License-Identifier: Apache-2.0

/** Samples the process's resident set size while a task runs; returns the peak seen, in MB. */
export async function withPeakRss<T>(task: () => Promise<T>, intervalMs = 25): Promise<{ value: T; peakRssMB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  try {
    const value = await task();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakRssMB: Math.round(peak / 1e6) };
  } finally {
    clearInterval(timer);
  }
}
