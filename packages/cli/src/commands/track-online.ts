// SPDX-License-Identifier: Apache-2.0
import type { CliIo } from '../cli-io.js';
import type { TrackingEngine } from '../engine/tracking-engine.js';
import { fileLineSink, type LineSink, streamLineSink } from '../online/line-sink.js';
import { onlineEndLine, onlineFrameLine, onlineHeaderLine } from '../online/online-lines.js';
import { streamOnline } from '../online/stream-online.js';
import { watchInterrupt } from '../interrupt.js';
import { startProgress } from '../progress.js';
import type { QueryPoint } from '@taptr/tracker';
import { readQueries } from '../queries/read-queries.js';
import { type QuerySourceOptions, resolveQueries } from '../queries/resolve-queries.js';
import { InterruptedError, UsageError } from '../usage-error.js';
import { type FrameOptions, openTrackVideo } from './track-frames.js';

/** The options `taptr track --online` uses. */
export interface OnlineTrackOptions extends FrameOptions, QuerySourceOptions {
  readonly addPoints?: string;
  readonly out?: string;
  readonly json?: boolean;
  /** Options that need the whole run, refused with `--online` (their flag names, when given). */
  readonly offlineOnly: readonly string[];
}

/**
 * `taptr track --online`: frames are read and tracked one at a time (the tracker's online session);
 * each frame's final positions are written as one JSON line as soon as they are final (to stdout, or
 * to `--out x.jsonl`), after a header line that states the latency; `--add-points FILE` rows start
 * at their frame. Memory stays flat over any length (see `streamOnline`). Ctrl-C stops reading: the
 * lines written are final, a last line says the run is incomplete, exit 130.
 * @param openEngine - opens the engine (the caller's model options).
 */
export async function runOnlineTrack(io: CliIo, videoPath: string, options: OnlineTrackOptions, openEngine: () => Promise<TrackingEngine>): Promise<void> {
  if (options.offlineOnly.length > 0)
    throw new UsageError(`${options.offlineOnly[0]} needs the whole run: it cannot be used with --online (drop --online for it)`);
  if (options.out !== undefined && !/\.jsonl$/i.test(options.out))
    throw new UsageError(`--out must end in .jsonl with --online (one JSON line per frame), got ${options.out}; or leave it out for stdout`);
  if (options.queries !== undefined && options.grid !== undefined) throw new UsageError('give at most one of --queries FILE or --grid N');
  if (options.queries === undefined && options.grid === undefined && options.addPoints === undefined)
    throw new UsageError('give --queries FILE, --grid N or --add-points FILE');
  if (options.grid === undefined && (options.gridFrame !== undefined || options.mask !== undefined))
    throw new UsageError(`${options.gridFrame !== undefined ? '--grid-frame' : '--mask'} needs --grid N`);
  const started = performance.now();
  const track = await openTrackVideo(videoPath, io.env, options);
  const { video } = track;
  const known = video.frameCount > 0;
  // A stream of unknown length (ffprobe gave no count): any frame index is accepted.
  const extent = known ? track.extent : { ...track.extent, frames: Number.MAX_SAFE_INTEGER };
  const queries: QueryPoint[] = options.queries !== undefined || options.grid !== undefined ? await resolveQueries(options, extent) : [];
  const added: QueryPoint[] = options.addPoints !== undefined ? await readQueries(options.addPoints, extent) : [];
  if (queries.length + added.length === 0) throw new UsageError(`${options.addPoints}: no points to track`);

  const engine = await openEngine();
  const loaded = performance.now();
  let sink: LineSink | undefined;
  let frames: number;
  let written = 0;
  const interrupt = watchInterrupt();
  const timings = (): Record<string, number> => ({ loadMs: Math.round(loaded - started), trackMs: Math.round(performance.now() - loaded) });
  try {
    if (engine.online === undefined) throw new UsageError(`--online: the ${engine.backend} engine cannot track online`);
    const tracking = engine.online({ width: video.width, height: video.height, ...(known ? { frameCount: video.frameCount } : {}), signal: interrupt.signal });
    sink = options.out !== undefined ? fileLineSink(options.out) : streamLineSink(io.stdout);
    const out = sink;
    await out.write(
      onlineHeaderLine({
        latency: tracking.latency,
        video: known ? track.fileVideo : { ...track.fileVideo, frames: null },
        points: [...queries.map((q, i) => ({ ...q, id: i, added: false })), ...added.map((q, i) => ({ ...q, id: queries.length + i, added: true }))],
        backend: engine.backend,
        model: engine.model,
      }),
    );
    const bar = startProgress(io.stderr, 'online ', video.frameCount, 'frames', !options.json && options.out !== undefined);
    try {
      const run = await streamOnline({
        tracking,
        frames: video.frames(),
        queries: track.toTrackerQueries(queries),
        addPoints: track.toTrackerQueries(added),
        onRead: (n) => bar.update(n),
        onFrame: async (r) => {
          await out.write(onlineFrameLine(r.t, r.ids, track.toOriginalTracks(r.xy), r.visible));
          written++;
        },
        signal: interrupt.signal,
      });
      frames = run.framesRead;
    } catch (error) {
      if (!interrupt.signal.aborted) throw error;
      await out.write(onlineEndLine(written, timings(), false));
      throw new InterruptedError(`interrupted: ${options.out ?? 'stdout'} holds the ${written} final frames, the last line marks the run incomplete`);
    } finally {
      bar.stop();
    }
    await out.write(onlineEndLine(frames, timings()));
    if (options.out === undefined) return;
    if (options.json) {
      io.stdout.write(
        `${JSON.stringify({ video: videoPath, frames, points: queries.length + added.length, out: options.out, latencyFrames: tracking.latency, backend: engine.backend, model: engine.model })}\n`,
      );
    } else {
      io.stdout.write(
        `tracked ${queries.length + added.length} points online over ${frames} frames (${engine.backend}, latency ${tracking.latency} frames): ${options.out}\n`,
      );
    }
  } finally {
    interrupt.dispose();
    sink?.close();
    await engine.dispose();
  }
}
