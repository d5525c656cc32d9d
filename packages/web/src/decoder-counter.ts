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
      // Everything but decodeWindow is the runner's own (its buffers and copiesInputs promise included).
      ...runner,
      async decodeWindow(input, output) {
        const path = runner.decoderPath(input.points);
        await runner.decodeWindow(input, output);
        counts[path] += 1;
      },
    },
    counts: () => ({ ...counts }),
    reset() {
      counts = { 'sample-first': 0, 'project-first': 0 };
    },
  };
}
