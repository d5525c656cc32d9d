// SPDX-License-Identifier: Apache-2.0
// Valid sample payloads (made-up paths and digests) for tests.
import type { EvalJob, TrackJob } from '../job-payload.js';

/** A valid eval job of `run` for video `index` (all digests made up). */
export function evalJob(run: string, index: number, overrides: Partial<EvalJob> = {}): EvalJob {
  return {
    kind: 'eval',
    run,
    dataset: {
      path: '/data/tapvid_davis.pkl',
      sha256: 'a'.repeat(64),
      kind: 'davis',
      videos: 30,
      index,
      name: `video-${index}`,
      file: { path: '/data/tapvid_davis.pkl', sha256: 'b'.repeat(64) },
      entry: index,
    },
    model: { kind: 'folder', path: '/models/taptr-v1', sha256: 'c'.repeat(64) },
    protocol: { mode: 'first', resize: 256, scale: 'taptr', padQueries: 800 },
    backend: 'cpu',
    ...overrides,
  };
}

/** A valid track job of `run`. */
export function trackJob(run: string, video: string, overrides: Partial<TrackJob> = {}): TrackJob {
  return {
    kind: 'track',
    run,
    video: { path: `/videos/${video}.mp4`, sha256: 'd'.repeat(64) },
    queries: { kind: 'grid', n: 4, frame: 0 },
    model: { kind: 'checkpoint', path: '/models/taptrv1.pth', sha256: 'e'.repeat(64), config: { path: '/models/config.json', sha256: 'f'.repeat(64) } },
    options: { bidirectional: false, padQueries: 0 },
    backend: 'cpu',
    out: `/out/${video}.json`,
    ...overrides,
  };
}
