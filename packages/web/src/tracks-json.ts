// SPDX-License-Identifier: Apache-2.0
import type { QueryPoint } from './query-points.js';
import type { DecoderWindowCounts } from './worker-protocol.js';

/** The downloadable tracking result. Point-major arrays: `tracks[n][t] = [x, y]`, `visible[n][t]`. */
export interface TracksJson {
  readonly format: 'taptr-tracks';
  readonly version: 1;
  readonly video: { readonly name: string; readonly frames: number; readonly width: number; readonly height: number };
  readonly model: string;
  readonly backend: string;
  readonly runtime: string;
  /** Query points `(t, x, y)` in video pixels, integer = pixel centre (x right, y down). */
  readonly queries: readonly { readonly id: number; readonly t: number; readonly x: number; readonly y: number }[];
  /** `[N][T][2]` (x, y) video pixels. */
  readonly tracks: number[][][];
  /** `[N][T]` true = visible. */
  readonly visible: boolean[][];
  /** Windows decoded per decoder build (`sample-first` for few points when the model has it). */
  readonly decoderWindows: DecoderWindowCounts;
  readonly timing: { readonly loadMs: number; readonly trackMs: number; readonly msPerFrame: number };
}

/** Builds {@link TracksJson} from flat `[N, T, 2]` tracks and `[N, T]` visibility. */
export function toTracksJson(input: {
  video: TracksJson['video'];
  model: string;
  backend: string;
  runtime: string;
  queries: readonly QueryPoint[];
  tracks: Float32Array;
  visible: Uint8Array;
  decoderWindows: DecoderWindowCounts;
  loadMs: number;
  trackMs: number;
}): TracksJson {
  const N = input.queries.length;
  const T = input.video.frames;
  if (input.tracks.length !== N * T * 2 || input.visible.length !== N * T) {
    throw new RangeError(`toTracksJson: tracks must be [${N}, ${T}, 2] and visible [${N}, ${T}], got ${input.tracks.length} and ${input.visible.length} values`);
  }
  return {
    format: 'taptr-tracks',
    version: 1,
    video: input.video,
    model: input.model,
    backend: input.backend,
    runtime: input.runtime,
    queries: input.queries.map(({ id, t, x, y }) => ({ id, t, x, y })),
    tracks: Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_, t) => [input.tracks[(n * T + t) * 2]!, input.tracks[(n * T + t) * 2 + 1]!])),
    visible: Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_, t) => input.visible[n * T + t] === 1)),
    decoderWindows: { 'sample-first': input.decoderWindows['sample-first'], 'project-first': input.decoderWindows['project-first'] },
    timing: { loadMs: round(input.loadMs), trackMs: round(input.trackMs), msPerFrame: round(input.trackMs / Math.max(1, T)) },
  };
}

const round = (v: number): number => Math.round(v * 100) / 100;
