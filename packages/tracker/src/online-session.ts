// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';
import { createForwardPass, type FrameOutput, type PassPoint, type PassProgress } from './forward-pass.js';
import { createFramePreprocessor, type FramePreprocessor } from './preprocess.js';
import { checkQueriesInVideo, normalizeQueryPositions, prepareQueries, type PreparedQueries, type QueryInput } from './queries.js';
import { checkFrameSize } from './run-pass.js';
import { sigmoid } from './sigmoid.js';
import type { TaptrGraphRunner } from './graph-runner.js';
import { rawFrame, type VideoFrame } from './video-input.js';

/** Options of {@link Tracker.online}. */
export interface OnlineOptions {
  /** Visible iff sigmoid(visibility logit) > threshold. Defaults to the tracker's (0.5). */
  readonly threshold?: number;
  /**
   * T when the stream's length is known: reproduces the official long-video content rule
   * (T >= 48). Without it the content is copied after every window (the official rule for T <= 47).
   */
  readonly frameCount?: number;
  /** Called after every encoded frame and every window. */
  readonly onProgress?: (progress: PassProgress) => void;
  /** Cancels the session: pending and later calls reject with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * `'exact'`: a frame is yielded once no later window can change it (frame 4w after frame 4w + 7
   * arrives, frames 4w + 1..4w + 3 up to 10 frames later): identical to {@link Tracker.track}.
   * `'low'`: frames 4w..4w + 3 are yielded right after frame 4w + 7 arrives (at most 7 frames of
   * latency); if the stream then ends at T = 4w + 9..4w + 11, the official last window [T - 8, T - 1]
   * would still revise up to 3 of them: they keep the values already yielded (all other frames are
   * identical to the offline run). Defaults to `'exact'`.
   */
  readonly latency?: 'exact' | 'low';
}

/**
 * Most frames an online session's result for frame `t` waits, by {@link OnlineOptions.latency}: it
 * is yielded by the time frame `t + ONLINE_LATENCY_FRAMES[latency]` has been pushed (frames
 * `4w` after exactly 7; the last frames of a stream at {@link OnlineSession.end}).
 */
export const ONLINE_LATENCY_FRAMES = { exact: 10, low: 7 } as const;

/** The final result of one frame of an online session. */
export interface OnlineFrameResult {
  readonly frame: number;
  /** Ids (from {@link OnlineSession.addPoints}) of the points in this frame, in row order. */
  readonly ids: readonly number[];
  /** `[n, 2]` (x, y) in video pixels. */
  readonly tracks: Float32Array;
  /** `[n]` 1 = visible. */
  readonly visible: Uint8Array;
  /** `[n, 3]` visibility logits. */
  readonly logits: Float32Array;
}

/**
 * Online tracking (a webcam, a live stream): frames are pushed one at a time and each frame's
 * final result is yielded (by async iteration) as soon as no later window can change it — after
 * frame 4w + 7 arrives for frames up to 4w, i.e. 7 to 10 frames later, and at {@link OnlineSession.end}
 * for the last ones (see {@link OnlineOptions.latency} for at most 7). Results equal
 * {@link Tracker.track} on the same frames and points.
 * Encoder memory is held for at most 11 frames; un-read results queue up.
 */
export interface OnlineSession extends AsyncIterable<OnlineFrameResult> {
  /**
   * Adds points `(t, x, y)`; `t` may be a frame not pushed yet, and must be at least
   * {@link OnlineSession.earliestQueryFrame}. Before the first frame, positions are checked when it arrives.
   * @returns the new points' ids.
   */
  addPoints(points: QueryInput): Promise<number[]>;
  /** Stops tracking points; they are absent from frames yielded afterwards. */
  removePoints(ids: readonly number[]): Promise<void>;
  /** Processes the next frame (`[H, W, 3]` uint8 or RGBA ImageData-like); all frames must have one size. */
  push(frame: VideoFrame): Promise<void>;
  /** Ends the stream: the remaining frames are decoded and yielded, then iteration finishes. */
  end(): Promise<void>;
  /** Frames pushed so far. */
  readonly framesPushed: number;
  /** Smallest query frame a new point may have (later windows have not been decided yet). */
  readonly earliestQueryFrame: number;
}

/** @internal */
export function createOnlineSession(graphs: TaptrGraphRunner, options: OnlineOptions): OnlineSession {
  const fn = 'OnlineSession';
  const threshold = options.threshold ?? 0.5;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1))
    throw invalidArgument('range', 'tracker.online', 'options.threshold', 'a number in (0, 1)', describeValue(threshold));
  const { frameCount, signal } = options;
  if (frameCount !== undefined && (!Number.isInteger(frameCount) || frameCount < 1))
    throw invalidArgument('range', 'tracker.online', 'options.frameCount', 'a positive integer', describeValue(frameCount));

  const queue: OnlineFrameResult[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  let failure: { readonly error: unknown } | undefined;
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };

  let size: { width: number; height: number; pre: FramePreprocessor } | undefined;
  let image: Float32Array | undefined;
  let nextId = 0;
  const waitingForSize: { ids: number[]; queries: PreparedQueries }[] = [];

  const onFrame = (out: FrameOutput): void => {
    const n = out.ids.length;
    const tracks = new Float32Array(2 * n);
    const visible = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      tracks[2 * i] = sigmoid(out.loc[4 * i]!) * (size!.width - 1);
      tracks[2 * i + 1] = sigmoid(out.loc[4 * i + 1]!) * (size!.height - 1);
      visible[i] = sigmoid(out.vis[3 * i + 1]!) > threshold ? 1 : 0;
    }
    queue.push({ frame: out.frame, ids: out.ids, tracks, visible, logits: out.vis.slice() });
    wake();
  };
  const latency = options.latency ?? 'exact';
  if (latency !== 'exact' && latency !== 'low') throw invalidArgument('range', 'tracker.online', 'options.latency', "'exact' or 'low'", describeValue(latency));
  const pass = createForwardPass({ graphs, frameCount, onFrame, onProgress: options.onProgress, signal, eager: latency === 'low' });

  const toPassPoints = (ids: number[], q: PreparedQueries): PassPoint[] => {
    checkQueriesInVideo(`${fn}.addPoints`, q, frameCount ?? Number.MAX_SAFE_INTEGER, size!.width, size!.height);
    const xy = normalizeQueryPositions(q.pixels, size!.width, size!.height);
    return ids.map((id, i) => ({ id, queryFrame: q.frames[i]!, x: xy[2 * i]!, y: xy[2 * i + 1]! }));
  };

  // Every operation runs after the previous one. An argument error (TypeError/RangeError, raised
  // before any state change) only rejects that call; any other failure ends the session.
  let chain: Promise<unknown> = Promise.resolve();
  const run = <T>(op: () => Promise<T>): Promise<T> => {
    const next = chain.then(async () => {
      if (failure !== undefined) throw failure.error;
      signal?.throwIfAborted();
      try {
        return await op();
      } catch (error) {
        if (error instanceof TypeError || error instanceof RangeError) throw error;
        failure = { error };
        ended = true;
        wake();
        throw error;
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };

  const session: OnlineSession = {
    async addPoints(points) {
      const q = prepareQueries(`${fn}.addPoints`, points);
      return run(async () => {
        if (ended) throw invalidArgument('range', `${fn}.addPoints`, 'session', 'a session that has not ended', 'ended');
        for (let i = 0; i < q.count; i++) {
          if (q.frames[i]! < pass.earliestQueryFrame) {
            throw invalidArgument(
              'range',
              `${fn}.addPoints`,
              `points[${i}].t`,
              `>= ${pass.earliestQueryFrame} (earlier frames are already decided)`,
              String(q.frames[i]),
            );
          }
        }
        const ids = Array.from({ length: q.count }, () => nextId++);
        if (size === undefined) waitingForSize.push({ ids, queries: q });
        else await pass.addPoints(toPassPoints(ids, q));
        return ids;
      });
    },
    removePoints(ids) {
      return run(async () => {
        pass.removePoints(ids);
        for (const w of waitingForSize) {
          const keep = w.ids.map((id, i) => (ids.includes(id) ? -1 : i)).filter((i) => i >= 0);
          w.ids = keep.map((i) => w.ids[i]!);
          w.queries = {
            count: keep.length,
            frames: Int32Array.from(keep, (i) => w.queries.frames[i]!),
            pixels: Float64Array.from(keep.flatMap((i) => [w.queries.pixels[2 * i]!, w.queries.pixels[2 * i + 1]!])),
          };
        }
      });
    },
    async push(frame) {
      const raw = rawFrame(`${fn}.push`, 'frame', frame);
      return run(async () => {
        if (ended) throw invalidArgument('range', `${fn}.push`, 'session', 'a session that has not ended', 'ended');
        if (size === undefined) {
          const pre = createFramePreprocessor(raw.height, raw.width, graphs.resolution);
          size = { width: raw.width, height: raw.height, pre };
          image = new Float32Array(3 * graphs.resolution * graphs.resolution);
          for (const w of waitingForSize.splice(0)) await pass.addPoints(toPassPoints(w.ids, w.queries));
        }
        checkFrameSize(`${fn}.push`, pass.framesPushed, raw, size.width, size.height);
        size.pre.run(raw.pixels, raw.channels, image!);
        await pass.pushFrame(image!);
      });
    },
    end() {
      return run(async () => {
        if (ended) return;
        if (frameCount !== undefined && pass.framesPushed !== frameCount) {
          throw invalidArgument('range', `${fn}.end`, 'frames pushed', `options.frameCount = ${frameCount}`, String(pass.framesPushed));
        }
        await pass.finish();
        ended = true;
        wake();
      });
    },
    get framesPushed() {
      return pass.framesPushed;
    },
    get earliestQueryFrame() {
      return pass.earliestQueryFrame;
    },
    [Symbol.asyncIterator](): AsyncIterator<OnlineFrameResult> {
      return {
        async next(): Promise<IteratorResult<OnlineFrameResult>> {
          for (;;) {
            const item = queue.shift();
            if (item !== undefined) return { value: item, done: false };
            if (failure !== undefined) throw failure.error;
            if (ended) return { value: undefined, done: true };
            await new Promise<void>((resolve) => waiters.push(resolve));
          }
        },
      };
    },
  };
  return session;
}
