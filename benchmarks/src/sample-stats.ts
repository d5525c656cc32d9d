// SPDX-License-Identifier: Apache-2.0

/** Summary of repeated timings (ms). */
export interface SampleStats {
  /** Median (mean of the two middle values for an even count). */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Number of samples. */
  readonly n: number;
}

/**
 * Median, min and max of `samples`.
 * @throws RangeError for an empty list.
 */
export function sampleStats(samples: readonly number[]): SampleStats {
  if (samples.length === 0) throw new RangeError('sampleStats: no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

/**
 * Runs `task` once to warm up (not measured; skipped with `warmUp: false` when the same work just
 * ran), then `repetitions` times, and returns the wall-clock statistics of the measured runs (ms).
 */
export async function timeRepeated(task: () => Promise<unknown>, repetitions: number, warmUp = true): Promise<SampleStats> {
  if (warmUp) await task();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  return sampleStats(times);
}

/**
 * Times tasks round-robin (t0, t1, ..., t0, t1, ...) `repetitions` times each, so that all see the same
 * machine load (a shared machine's load drifts over minutes): their ratios stay meaningful. No
 * warm-up here; warm them up first.
 */
export async function timeRoundRobin(tasks: readonly (() => Promise<unknown>)[], repetitions: number): Promise<SampleStats[]> {
  const times: number[][] = tasks.map(() => []);
  for (let i = 0; i < repetitions; i++) {
    for (const [k, task] of tasks.entries()) {
      const start = performance.now();
      await task();
      times[k]!.push(performance.now() - start);
    }
  }
  return times.map(sampleStats);
}

/** {@link timeRoundRobin} of two tasks (a, b, a, b, ...). */
export async function timeInterleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, repetitions: number): Promise<[SampleStats, SampleStats]> {
  const [sa, sb] = await timeRoundRobin([a, b], repetitions);
  return [sa!, sb!];
}
