// SPDX-License-Identifier: Apache-2.0
import type { TaptrGraphs } from '@taptr/model/format';
import type { ModelSessionOptions, RuntimeAdapter } from '@taptr/runtime';
import { describeValue, invalidArgument } from '@taptr/tensor';
import type { PassPoint } from './forward-pass.js';
import { createOnlineSession, type OnlineOptions, type OnlineSession } from './online-session.js';
import { checkQueriesInVideo, normalizeQueryPositions, prepareQueries, type PreparedQueries, type QueryInput } from './queries.js';
import { generatePaddingPoints } from './query-padding.js';
import { createMemoryRing, type MemoryRing } from './memory-ring.js';
import { runPass, type PassStates } from './run-pass.js';
import { resolveSampleFirstMaxPoints } from './decoder-path.js';
import { createGraphRunner } from './runtime-graph-runner.js';
import type { TaptrGraphRunner } from './graph-runner.js';
import { fuseBidirectional, toTrackFrameResult, toTrackResult, type TrackResult } from './track-result.js';
import { resolveTrackOptions, type QueryPadding, type TrackOptions } from './track-options.js';
import { openVideo, type RawFrame, type VideoInput, type VideoReader } from './video-input.js';

/** Options of {@link createTracker}: a runtime and a model, or ready {@link TaptrGraphRunner}; plus default {@link TrackOptions}. */
export type CreateTrackerOptions = (
  | {
      /** The runtime adapter that runs the graphs (e.g. `createNodeRuntime()`). */
      readonly runtime: RuntimeAdapter;
      /** The model: configuration and the ONNX graphs (`loadTaptrModel`, `buildTaptrGraphs`). */
      readonly model: TaptrGraphs;
      /** onnxruntime session options for the sessions. */
      readonly sessionOptions?: ModelSessionOptions;
      /**
       * Windows of at most this many points run the model's sample-first decoder
       * (`model.decoderWindowSampleFirst`, when present; created at the first such window), larger ones
       * `model.decoderWindow`. `0` = never, `Infinity` = always; default 64. See
       * `GraphRunnerOptions.sampleFirstMaxPoints`.
       */
      readonly sampleFirstMaxPoints?: number;
    }
  | {
      /** A custom way to run the three graphs (advanced: instrumentation, other runtimes, tests). */
      readonly runner: TaptrGraphRunner;
    }
) &
  Pick<TrackOptions, 'bidirectional' | 'padQueries' | 'threshold'>;

/** A TAPTR point tracker bound to one model and runtime. */
export interface Tracker {
  /** Model input resolution R. */
  readonly resolution: number;
  /**
   * Tracks query points through a video, exactly as the official TAPTR evaluation code.
   * @param video - uint8 `[T, H, W, 3]`, an array of frames, or an (async) iterable of frames.
   * @param queries - `[N]` points `(t, x, y)` in video pixels (query frame, integer = pixel centre).
   * @returns `tracks` `[N, T, 2]`, `visible` `[N, T]`, `logits` `[N, T, 3]`.
   * @throws TypeError / RangeError for a bad video, query or option (naming it).
   */
  track(video: VideoInput, queries: QueryInput, options?: TrackOptions): Promise<TrackResult>;
  /** Starts an online session: push frames one at a time, add/remove points, read final frames as they settle. */
  online(options?: OnlineOptions): OnlineSession;
  /** Releases the model sessions. */
  release(): Promise<void>;
}

/** Collects a stream into an array reader (needed for the backward pass of bidirectional tracking). */
async function collect(reader: VideoReader): Promise<VideoReader> {
  const frames: RawFrame[] = [];
  for await (const f of reader.frames()) frames.push({ ...f, pixels: f.pixels.slice() });
  return {
    frameCount: frames.length,
    frameAt: (t) => frames[t]!,
    async *frames() {
      yield* frames;
    },
  };
}

function reversed(reader: VideoReader, T: number): AsyncIterable<RawFrame> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let t = T - 1; t >= 0; t--) yield reader.frameAt!(t);
    },
  };
}

interface PointSet {
  /** Reported (real) points. */
  readonly count: number;
  readonly frames: Int32Array;
  readonly pixels: Float64Array;
}

/** Real queries followed by the evaluation padding points (spec §12.3). */
function withPadding(queries: PreparedQueries, padding: QueryPadding | undefined, width: number, frameCount: number | undefined): PointSet {
  if (padding === undefined) return { count: queries.count, frames: queries.frames, pixels: queries.pixels };
  const pad = generatePaddingPoints({ total: padding.total, realPositions: padding.framePositions ?? queries.pixels, width });
  const frames: number[] = Array.from(queries.frames);
  const pixels: number[] = Array.from(queries.pixels);
  for (let k = 0; k < pad.count; k++) {
    const q = padding.queryFrame ?? pad.restartFrames[k]!;
    // evaluate.py drops tracks never visible (restart frame beyond the video).
    if (frameCount !== undefined && q >= frameCount) continue;
    frames.push(q);
    pixels.push(pad.positions[2 * k]!, pad.positions[2 * k + 1]!);
  }
  return { count: queries.count, frames: Int32Array.from(frames), pixels: Float64Array.from(pixels) };
}

function passPoints(set: PointSet, width: number, height: number, frameOf: (q: number) => number): PassPoint[] {
  const xy = normalizeQueryPositions(set.pixels, width, height);
  return Array.from(set.frames, (q, i) => ({ id: i, queryFrame: frameOf(q), x: xy[2 * i]!, y: xy[2 * i + 1]! }));
}

/**
 * Creates a tracker.
 * @example
 * const tracker = await createTracker({ runtime: createNodeRuntime({ threads: 2 }), model });
 * const { tracks, visible } = await tracker.track(video, [{ t: 0, x: 120, y: 64 }]);
 */
export async function createTracker(options: CreateTrackerOptions): Promise<Tracker> {
  if (options === null || typeof options !== 'object') throw invalidArgument('type', 'createTracker', 'options', 'an object', describeValue(options));
  const defaults = resolveTrackOptions('createTracker', options);
  let graphs: TaptrGraphRunner;
  if ('runner' in options && options.runner !== undefined) {
    graphs = options.runner;
  } else if ('runtime' in options && 'model' in options) {
    if (options.runtime === null || typeof options.runtime !== 'object' || typeof options.runtime.createSession !== 'function') {
      throw invalidArgument('type', 'createTracker', 'options.runtime', 'a RuntimeAdapter (e.g. createNodeRuntime())', describeValue(options.runtime));
    }
    if (options.model === null || typeof options.model !== 'object' || options.model.config === undefined) {
      throw invalidArgument(
        'type',
        'createTracker',
        'options.model',
        'a TAPTR model {config, frameEncoder, queryInit, decoderWindow}',
        describeValue(options.model),
      );
    }
    const sampleFirstMaxPoints = resolveSampleFirstMaxPoints('createTracker', options.sampleFirstMaxPoints);
    graphs = await createGraphRunner(options.runtime, options.model, options.sessionOptions, { sampleFirstMaxPoints });
  } else {
    throw invalidArgument('type', 'createTracker', 'options', '{runtime, model} or {runner}', describeValue(options));
  }
  // Memory rings reused by every track() call (one per pass running at a time: a bidirectional
  // track's backward pass starts from memories still in the forward pass's ring).
  const idleRings: MemoryRing[] = [];
  let released = false;
  const alive = (fn: string): void => {
    if (released) throw invalidArgument('range', fn, 'tracker', 'a tracker that is not released', 'released');
  };

  const track = async (video: VideoInput, queries: QueryInput, trackOptions: TrackOptions = {}): Promise<TrackResult> => {
    const fn = 'tracker.track';
    alive(fn);
    const o = resolveTrackOptions(fn, {
      bidirectional: defaults.bidirectional,
      padQueries: options.padQueries,
      threshold: defaults.threshold,
      ...trackOptions,
    });
    const q = prepareQueries(fn, queries);
    let reader = openVideo(fn, video);
    if (o.bidirectional && reader.frameAt === undefined) reader = await collect(reader);
    const knownT = reader.frameCount ?? o.frameCount;
    let set: PointSet | undefined;
    const pointsFor = (width: number, height: number): PointSet => {
      if (knownT !== undefined) checkQueriesInVideo(fn, q, knownT, width, height);
      else checkQueriesInVideo(fn, q, Number.MAX_SAFE_INTEGER, width, height);
      set ??= withPadding(q, o.padding, width, knownT);
      return set;
    };
    const progress = (pass: 'forward' | 'backward') => (p: { framesEncoded: number; windowsDecoded: number; windowsSkipped: number }) =>
      trackOptions.onProgress?.({ pass, ...p, frameCount: knownT });
    // Rings from the tracker's pool, one per pass (the backward pass starts from memories still in the forward pass's ring).
    const rings: MemoryRing[] = [];
    const acquireRing = (): MemoryRing => {
      const r = idleRings.pop() ?? createMemoryRing(undefined, graphs.allocateMemory?.bind(graphs));
      rings.push(r);
      return r;
    };
    try {
      const forward = await runPass({
        fn,
        graphs,
        ring: acquireRing(),
        frames: reader.frames(),
        frameCount: knownT,
        count: q.count,
        points: (w, h) => passPoints(pointsFor(w, h), w, h, (t) => t),
        onWindow: trackOptions.onWindow && ((r) => trackOptions.onWindow!(r, 'forward')),
        onFinalFrame:
          !o.bidirectional && trackOptions.onFrame !== undefined
            ? (t, loc, vis, w, h) => trackOptions.onFrame!(toTrackFrameResult(t, loc, vis, w, h, o.threshold))
            : undefined,
        onProgress: progress('forward'),
        signal: trackOptions.signal,
      });
      const T = forward.frameCount;
      if (reader.frameCount === undefined && o.frameCount !== undefined && o.frameCount !== T) {
        throw invalidArgument('range', fn, 'options.frameCount', `the number of frames the video yielded (${T})`, String(o.frameCount));
      }
      if (knownT === undefined) checkQueriesInVideo(fn, q, T, forward.width, forward.height);
      let states: PassStates = forward;
      if (o.bidirectional) {
        const reuse = new Map([...forward.leftover].map(([t, m]) => [T - 1 - t, m]));
        forward.leftover.clear();
        const backward = await runPass({
          fn,
          graphs,
          ring: acquireRing(),
          frames: reversed(reader, T),
          frameCount: T,
          count: q.count,
          points: (w, h) => passPoints(set!, w, h, (t) => T - 1 - t),
          onWindow: trackOptions.onWindow && ((r) => trackOptions.onWindow!(r, 'backward')),
          onProgress: progress('backward'),
          signal: trackOptions.signal,
          // The forward pass ends holding the memories of the last frames: the backward pass starts with them.
          reuse,
        });
        states = fuseBidirectional(forward, backward, q.frames);
      }
      return toTrackResult(states, q.count, o.threshold);
    } finally {
      idleRings.push(...rings);
    }
  };

  return {
    resolution: graphs.resolution,
    track,
    online(onlineOptions: OnlineOptions = {}) {
      alive('tracker.online');
      return createOnlineSession(graphs, { threshold: defaults.threshold, ...onlineOptions });
    },
    async release() {
      if (released) return;
      released = true;
      idleRings.length = 0;
      await graphs.release();
    },
  };
}
