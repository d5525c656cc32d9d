// SPDX-License-Identifier: Apache-2.0
import type { TaptrGraphRunner } from '@taptr/tracker';

/** Time spent in each graph since the last reset. */
export interface GraphTimes {
  encodeMs: number;
  framesEncoded: number;
  initMs: number;
  decodeMs: number;
  windowsDecoded: number;
}

/** Wraps a graph runner so that every graph call is timed (wall clock, ms). */
export function timedRunner(runner: TaptrGraphRunner): { runner: TaptrGraphRunner; times: GraphTimes; reset(): void } {
  const times: GraphTimes = { encodeMs: 0, framesEncoded: 0, initMs: 0, decodeMs: 0, windowsDecoded: 0 };
  const timed = async <T>(key: 'encodeMs' | 'initMs' | 'decodeMs', run: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await run();
    } finally {
      times[key] += performance.now() - start;
    }
  };
  return {
    times,
    reset: () => Object.assign(times, { encodeMs: 0, framesEncoded: 0, initMs: 0, decodeMs: 0, windowsDecoded: 0 }),
    runner: {
      resolution: runner.resolution,
      encodeFrames: (images, count) => {
        times.framesEncoded += count;
        return timed('encodeMs', () => runner.encodeFrames(images, count));
      },
      initQueries: (memory, xyNorm, count) => timed('initMs', () => runner.initQueries(memory, xyNorm, count)),
      decodeWindow: (input) => {
        times.windowsDecoded++;
        return timed('decodeMs', () => runner.decodeWindow(input));
      },
      release: () => runner.release(),
    },
  };
}
