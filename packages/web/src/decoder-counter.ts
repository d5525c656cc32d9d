// SPDX-License-Identifier: Apache-2.0
// Counts the windows a graph runner decodes per decoder build, so the page can show (and the tests
// check) whether few-point tracking ran on the sample-first decoder.
import type { RuntimeGraphRunner, TaptrGraphRunner } from '@taptr/tracker';
import type { DecoderWindowCounts } from './worker-protocol.js';

/** A graph runner that counts its decoded windows per decoder build. */
export interface CountingRunner {
  /** The runner to give `createTracker({ runner })`: `runner` with counted `decodeWindow`. */
  readonly runner: TaptrGraphRunner;
  /** Windows decoded per build since the last {@link CountingRunner.reset} (or since creation). */
  counts(): DecoderWindowCounts;
  /** Starts counting from zero (one tracking request). */
  reset(): void;
}

/**
 * Wraps `runner` so that every window it decodes is counted under the decoder build it runs on
 * (`runner.decoderPath(points)`, the choice `decodeWindow` makes).
 */
export function countDecoderWindows(runner: RuntimeGraphRunner): CountingRunner {
  let counts = { 'sample-first': 0, 'project-first': 0 };
  return {
    runner: {
      resolution: runner.resolution,
      encodeFrames: (images, count) => runner.encodeFrames(images, count),
      initQueries: (memory, xyNorm, count) => runner.initQueries(memory, xyNorm, count),
      async decodeWindow(input) {
        const path = runner.decoderPath(input.points);
        const out = await runner.decodeWindow(input);
        counts[path] += 1;
        return out;
      },
      release: () => runner.release(),
    },
    counts: () => ({ ...counts }),
    reset() {
      counts = { 'sample-first': 0, 'project-first': 0 };
    },
  };
}
