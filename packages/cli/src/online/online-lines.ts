// SPDX-License-Identifier: Apache-2.0
import { float32Number, type QueryPoint, type TracksFileVideo } from '@taptr/tracker';

/** The `format` of the first line of `taptr track --online` output. */
const ONLINE_FORMAT = 'taptr-online-tracks';

/** What the first line (the header) of `taptr track --online` says. */
export interface OnlineHeader {
  /** Most frames a frame's line waits: frame t's line is out once frame `t + latency` has been read. */
  readonly latency: number;
  readonly video: TracksFileVideo | (Omit<TracksFileVideo, 'frames'> & { readonly frames: null });
  /** Every point: the queries (tracked from the start), then the added points (from their frame). */
  readonly points: readonly (QueryPoint & { readonly id: number; readonly added: boolean })[];
  readonly backend: string;
  readonly model: Readonly<Record<string, unknown>>;
}

/** In words, for the header line, `--help` and the README. */
function latencyText(latency: number): string {
  return latency === 0
    ? "each frame's line is written as soon as the frame is read"
    : `each frame's line is written at most ${latency} frames after the frame is read (frame t once frame t+${latency} is read; the last frames when the video ends)`;
}

/**
 * The header line: `{"format":"taptr-online-tracks","version":1,"latency":{"frames":10,"rule":...},
 * "video":{...},"points":[{"id","t","x","y","added"}],"backend","model"}`.
 */
export function onlineHeaderLine(header: OnlineHeader): string {
  return `${JSON.stringify({
    format: ONLINE_FORMAT,
    version: 1,
    latency: { frames: header.latency, rule: latencyText(header.latency) },
    video: header.video,
    points: header.points.map((p) => ({ id: p.id, t: p.t, x: p.x, y: p.y, added: p.added })),
    backend: header.backend,
    model: header.model,
  })}\n`;
}

/**
 * One frame's line: `{"t":12,"ids":[0,1],"xy":[[x,y],[x,y]],"visible":[true,false]}` — the points
 * that have a position at frame t (their own frame reached), (x, y) in the video's pixels with the
 * fewest digits that read back to the same float32 (`null` where not finite).
 * @param xy - `[n, 2]` interleaved.
 */
export function onlineFrameLine(t: number, ids: readonly number[], xy: ArrayLike<number>, visible: ArrayLike<number>): string {
  const points = ids.map((_, i) => `[${float32Number(xy[2 * i]!)},${float32Number(xy[2 * i + 1]!)}]`);
  const vis = ids.map((_, i) => (visible[i] ? 'true' : 'false'));
  return `{"t":${t},"ids":[${ids.join(',')}],"xy":[${points.join(',')}],"visible":[${vis.join(',')}]}\n`;
}

/** The last line: `{"done":true,"frames":T,"timings":{...}}`, or `"done":false` with `"incomplete":true` for a run that stopped. */
export function onlineEndLine(frames: number, timings: Readonly<Record<string, number>>, complete = true): string {
  return `${JSON.stringify(complete ? { done: true, frames, timings } : { done: false, incomplete: true, frames, timings })}\n`;
}
