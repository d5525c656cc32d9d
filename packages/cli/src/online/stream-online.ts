// SPDX-License-Identifier: Apache-2.0
import type { OnlineTracking } from '../engine/tracking-engine.js';
import type { QueryPoint } from '@taptr/tracker';

/** One frame's final result as {@link streamOnline} reports it: the points started by then. */
export interface OnlineFrameResult {
  readonly t: number;
  /** Point ids: the queries are 0..N-1, the added points N.. in their file order. */
  readonly ids: readonly number[];
  /** `[n, 2]` (x, y) in the tracker's pixels (the frames as pushed). */
  readonly xy: Float64Array;
  /** `[n]` 1 = visible. */
  readonly visible: Uint8Array;
}

/** Options of {@link streamOnline}. */
export interface StreamOnlineOptions {
  readonly tracking: OnlineTracking;
  /** The frames, `[H, W, 3]` uint8, read one at a time as the stream goes. */
  readonly frames: AsyncIterable<Uint8Array>;
  /** Points tracked from the start (ids 0..N-1); each has a position from its own frame `t` on. */
  readonly queries: readonly QueryPoint[];
  /** Points added when the stream reaches their frame `t` (ids N.., file order). */
  readonly addPoints?: readonly QueryPoint[];
  /** Gets each frame's result as soon as it is final, in frame order; awaited before the next. */
  readonly onFrame: (result: OnlineFrameResult) => void | Promise<void>;
  /** Called after each frame is read (before it is pushed), with the number read so far. */
  readonly onRead?: (framesRead: number) => void;
  /** Stops reading: the run rejects with the signal's reason (what was handed out stays final). */
  readonly signal?: AbortSignal;
}

/**
 * Runs an online session over a stream of frames: reads a frame, adds the points that start at it,
 * pushes it, and hands each frame's result to `onFrame` as soon as the session says it is final.
 * Nothing is kept per frame: the frame reader never runs more than `tracking.latency + 2` frames
 * ahead of the last result handed out (a slow `onFrame` holds the reader back), so memory stays flat
 * over any length.
 * @returns the number of frames read and of results handed out (equal unless it failed).
 */
export async function streamOnline(options: StreamOnlineOptions): Promise<{ framesRead: number; framesWritten: number }> {
  const { tracking, onFrame } = options;
  const ours = new Map<number, number>(); // session id -> our id
  const startFrame = new Map<number, number>(); // our id -> first frame with a position
  let nextId = 0;
  const register = async (points: readonly QueryPoint[], ids: readonly number[]): Promise<void> => {
    const sessionIds = await tracking.addPoints(points);
    sessionIds.forEach((sid, i) => {
      ours.set(sid, ids[i]!);
      startFrame.set(ids[i]!, points[i]!.t);
    });
  };
  const queryIds = options.queries.map(() => nextId++);
  const later = new Map<number, { points: QueryPoint[]; ids: number[] }>();
  for (const p of options.addPoints ?? []) {
    const group = later.get(p.t) ?? { points: [], ids: [] };
    group.points.push(p);
    group.ids.push(nextId++);
    later.set(p.t, group);
  }

  let written = 0;
  let failure = undefined as { error: unknown } | undefined;
  let notify: (() => void) | undefined;
  const drained = (async () => {
    for await (const r of tracking) {
      const keep: number[] = [];
      r.ids.forEach((sid, row) => {
        const id = ours.get(sid);
        if (id !== undefined && r.frame >= startFrame.get(id)!) keep.push(row);
      });
      const xy = new Float64Array(keep.length * 2);
      const visible = new Uint8Array(keep.length);
      keep.forEach((row, k) => {
        xy[2 * k] = r.tracks[2 * row]!;
        xy[2 * k + 1] = r.tracks[2 * row + 1]!;
        visible[k] = r.visible[row] ? 1 : 0;
      });
      await onFrame({ t: r.frame, ids: keep.map((row) => ours.get(r.ids[row]!)!), xy, visible });
      written++;
      notify?.();
    }
  })().catch((error: unknown) => {
    failure = { error };
    notify?.();
  });

  let read = 0;
  try {
    await register(options.queries, queryIds);
    for await (const frame of options.frames) {
      if (failure !== undefined) throw failure.error;
      options.signal?.throwIfAborted();
      options.onRead?.(read + 1);
      const group = later.get(read);
      if (group !== undefined) await register(group.points, group.ids);
      await tracking.push(frame);
      read++;
      // Backpressure: results not yet handed out stay within the latency (plus the frame in hand).
      while (failure === undefined && read - written > tracking.latency + 1) await new Promise<void>((resolve) => (notify = resolve));
    }
    if (failure !== undefined) throw failure.error;
    await tracking.end();
  } catch (error) {
    // The drain loop ends with the session's own failure; wait for it so nothing runs on after us.
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 0))]);
    throw error;
  }
  await drained;
  const failed = failure as { error: unknown } | undefined;
  if (failed !== undefined) throw failed.error;
  return { framesRead: read, framesWritten: written };
}
