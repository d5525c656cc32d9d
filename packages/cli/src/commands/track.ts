// SPDX-License-Identifier: Apache-2.0
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { firstTrackedFrame, ONLINE_LATENCY_FRAMES, type TrackingMode, type TracksFileInput } from '@taptr/tracker';
import type { TrackSet } from '@taptr/tensor/track-style';
import { OVERLAY_FORMS, overlayTarget, writeOverlay, writeSummary } from '@taptr/video';
import type { CliIo } from '../cli-io.js';
import { newCommand, nonNegativeInt, oneOf, positiveInt } from '../command-kit.js';
import { addQueueOptions, type QueueSubmitOptions, refuseWithQueue } from '../distributed/queue-options.js';
import { runQueuedTrack } from '../distributed/queued-track.js';
import { collectFinalFrames } from '../engine/final-frames.js';
import { describeModelVariant } from '../engine/load-model.js';
import { modelProgress } from '../engine/model-progress.js';
import { type Backend, BACKENDS, openEngine } from '../engine/open-engine.js';
import type { TrackingEngine } from '../engine/tracking-engine.js';
import { watchInterrupt } from '../interrupt.js';
import { isTracksOutPath, TRACKS_OUT_FORMS, writeTracks } from '../output/write-tracks.js';
import { startProgress } from '../progress.js';
import { resolveQueries } from '../queries/resolve-queries.js';
import { InterruptedError, UsageError } from '../usage-error.js';
import { addOverlayOptions, type OverlayOptions, overlayStyleOf } from './overlay-options.js';
import { addFrameOptions, type FrameOptions, openTrackVideo } from './track-frames.js';
import { runOnlineTrack } from './track-online.js';

interface TrackOptions extends QueueSubmitOptions, FrameOptions, OverlayOptions {
  online?: boolean;
  addPoints?: string;
  outDir?: string;
  model?: string;
  config?: string;
  queries?: string;
  grid?: number;
  gridFrame?: number;
  mask?: string;
  bidirectional?: boolean;
  padQueries?: number;
  backend: Backend;
  threads?: number;
  out?: string;
  overlay?: string;
  summary?: string;
  baseline?: 'stationary';
  json?: boolean;
}

/** Where the summary PNG goes by default: `<overlay stem>.summary.png` beside a video, `summary.png` inside a frame folder. */
function defaultSummaryPath(overlay: string): string {
  const ext = extname(overlay);
  return overlayTarget(overlay) === 'video' ? join(dirname(overlay), `${basename(overlay, ext)}.summary.png`) : join(overlay, 'summary.png');
}

/** Options a `--queue` run does not carry to its workers. */
const LOCAL_ONLY: [key: string, flag: string, why: string][] = [
  ...(['start', 'end', 'stride', 'maxFrames', 'resize'] as const).map((key): [string, string, string] => [
    key,
    `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    'queued jobs track whole videos at their size',
  ]),
  ['online', '--online', 'online tracking runs locally'],
  ['addPoints', '--add-points', 'online tracking runs locally'],
  ...(['trail', 'lineWidth', 'pointSize', 'colors'] as const).map((key): [string, string, string] => [
    key,
    `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    'overlays are rendered by a local taptr track',
  ]),
];

/** `taptr track`: track query points through a video. */
export function trackCommand(io: CliIo): Command {
  return addOverlayOptions(
    addFrameOptions(
      addQueueOptions(
        newCommand('track', io, [
          'taptr track clip.mp4 --model models/taptr-v1 --queries points.json --out tracks.json --overlay overlay.mp4',
          'taptr track frames/ --model models/taptr-v1 --grid 10 --out tracks.csv',
          'taptr track clip.mp4 --model models/taptr-v1 --grid 20 --grid-frame 30 --mask car.png --bidirectional --out car.json --overlay car-frames/',
          'taptr track video.npy --model ~/.cache/taptr/taptrv1.pth --config config.json --queries q.npy --out tracks.json',
          "taptr track 'clips/*.mp4' --model models/taptr-v1 --grid 10 --queue redis://queue.internal:6379/0 --out-dir /shared/tracks",
          'taptr track big.mp4 --model taptr-v1 --grid 30 --start 100 --end 400 --stride 2 --resize 480 --out tracks.npz',
          'taptr track apple.mp4 --model taptr-v1 --grid 10 --overlay apple.overlay.mp4 --colors by-query --trail 30',
          'taptr track camera.mp4 --model taptr-v1 --grid 5 --add-points clicks.csv --online > tracks.jsonl',
        ])
          .description(
            'Track points through a video. VIDEO: a video file (mp4, webm, mov, mkv; ffmpeg), a folder of PNG or JPEG frames, or a .npy uint8 [T,H,W,3]. ' +
              'Queries are (t, x, y): frame index and pixel position, integer = pixel centre (docs/coordinates.md). ' +
              `--online: frames are tracked as they are read and each frame's final positions are written as one JSON line at most ${ONLINE_LATENCY_FRAMES.exact} frames after the frame is read (a header line states it).`,
          )
          .argument(
            '<video>',
            "video file, folder of PNG or JPEG frames, or .npy [T,H,W,3] uint8; with --queue: a folder of videos or a quoted pattern like 'clips/*.mp4'",
          )
          .option(
            '--model <dir|checkpoint|id>',
            'converted model folder (taptr convert), official .pth checkpoint, or a model id: taptr-v1 (downloaded, converted and cached on first use)',
          )
          .option('--config <config.json>', 'model configuration (keys of the reference config.json; sets the input resolution, default 512)')
          .option('--queries <file>', 'query points: .json [{"t","x","y"}], .csv with header t,x,y, or .npy float [N,3] in TAP-Vid order (t, y, x)')
          .option('--grid <n>', 'track an n x n grid of points placed at cell centres (see README)', positiveInt)
          .option('--grid-frame <t>', 'frame of the grid points (default 0)', nonNegativeInt)
          .option('--mask <mask.png>', 'keep only the grid points on non-zero pixels of this PNG (same size as the video)')
          .option(
            '--bidirectional',
            "also track backward from each query frame (the official strided protocol); without it, the frames before a point's query frame have no position (null in JSON, empty in CSV) and are not visible",
          )
          .option('--pad-queries <n>', 'pad to n points with random points, as the official evaluation does (0 = no padding)', nonNegativeInt)
          .option('--backend <name>', `execution backend: ${BACKENDS.join(', ')}`, oneOf(BACKENDS), 'cpu')
          .option('--threads <n>', 'CPU threads', positiveInt)
          .option(
            '--out <file>',
            `where to write the tracks: ${TRACKS_OUT_FORMS} (.npz: tracks [N,T,2], visible [N,T], queries [N,3] (t,x,y), query_points (t,y,x), frames); with --online: .jsonl (default: stdout)`,
          )
          .option('--overlay <out.mp4|dir/>', `also render an overlay: ${OVERLAY_FORMS}`)
          .option('--summary <summary.png>', 'where to write the summary PNG (default: beside the overlay; alone: only the summary)')
          .option(
            '--online',
            `track frame by frame as the video is read (the tracker's online mode): each frame's final positions are written as one JSON line (stdout or --out x.jsonl) at most ${ONLINE_LATENCY_FRAMES.exact} frames after the frame is read; memory stays flat over any length`,
          )
          .option(
            '--add-points <file>',
            'with --online: more points (t, x, y) (same file forms as --queries), each tracked from its frame t on, added when the stream reaches it',
          )
          .option('--baseline <name>', 'track with a baseline instead of a model: stationary', oneOf(['stationary'] as const))
          .option('--json', 'print a JSON report on stdout'),
      ),
    ),
  )
    .option('--out-dir <dir>', 'with --queue: where the tracks files go (<video name>.json each; every worker must reach it)')
    .action(async (videoPath: string, options: TrackOptions) => {
      if (options.queue !== undefined) {
        refuseWithQueue(options as unknown as Readonly<Record<string, unknown>>, LOCAL_ONLY);
        return runQueuedTrack(io, videoPath, { ...options, queue: options.queue });
      }
      if (options.outDir !== undefined) throw new UsageError('--out-dir needs --queue (a local run writes --out)');
      if (options.model === undefined && options.baseline === undefined)
        throw new UsageError('--model is required (a folder from taptr convert, or a .pth checkpoint)');
      if (options.model !== undefined && options.baseline !== undefined) throw new UsageError('give either --model or --baseline, not both');
      const engineOptions = (
        signal?: AbortSignal,
        onProgress?: (p: Parameters<ReturnType<typeof modelProgress>['update']>[0]) => void,
      ): Parameters<typeof openEngine>[0] => ({
        backend: options.backend,
        ...(options.model !== undefined ? { model: options.model } : {}),
        ...(options.config !== undefined ? { config: options.config } : {}),
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
        source: { env: io.env, ...(onProgress !== undefined ? { onProgress } : {}), ...(signal !== undefined ? { signal } : {}) },
      });
      if (options.online === true) {
        const offlineOnly = (
          [
            ['overlay', '--overlay'],
            ['summary', '--summary'],
            ['bidirectional', '--bidirectional'],
            ['padQueries', '--pad-queries'],
          ] as const
        ).flatMap(([key, flag]) => (options[key] !== undefined ? [flag] : []));
        return runOnlineTrack(io, videoPath, { ...options, offlineOnly }, async () => {
          const modelBar = modelProgress(io.stderr, !options.json && options.out !== undefined);
          try {
            return await openEngine(engineOptions(undefined, modelBar.update));
          } finally {
            modelBar.stop();
          }
        });
      }
      if (options.addPoints !== undefined)
        throw new UsageError('--add-points needs --online (without it, put the points in --queries: each is tracked from its own frame t)');
      if (options.out === undefined && options.overlay === undefined && options.summary === undefined) {
        throw new UsageError(`give --out FILE (${TRACKS_OUT_FORMS}), --overlay or --summary: nothing would be written`);
      }
      if (options.out !== undefined && !isTracksOutPath(options.out)) throw new UsageError(`--out must end in ${TRACKS_OUT_FORMS}, got ${options.out}`);
      if ((options.queries === undefined) === (options.grid === undefined)) throw new UsageError('give exactly one of --queries FILE or --grid N');
      if (options.grid === undefined && (options.gridFrame !== undefined || options.mask !== undefined)) {
        throw new UsageError(`${options.gridFrame !== undefined ? '--grid-frame' : '--mask'} needs --grid N`);
      }
      if (options.overlay !== undefined && overlayTarget(options.overlay) === undefined)
        throw new UsageError(`--overlay must be ${OVERLAY_FORMS}, got ${options.overlay}`);
      if (options.summary !== undefined && !/\.png$/i.test(options.summary)) throw new UsageError(`--summary must end in .png, got ${options.summary}`);
      const mode: TrackingMode = options.bidirectional === true ? 'bidirectional' : 'forward';
      const started = performance.now();
      // Frames selected and resized while reading; queries, tracks and outputs stay in the original video's pixels.
      const source = await openTrackVideo(videoPath, io.env, options);
      const { video } = source;
      const queries = await resolveQueries(options, source.extent);

      // Ctrl-C from here to the end of tracking stops cleanly: the frames final so far are written (marked incomplete), exit 130.
      const interrupt = watchInterrupt();
      const final = collectFinalFrames(queries.length);
      let engine: TrackingEngine | undefined;
      let loaded = started;
      let result;
      try {
        const modelBar = modelProgress(io.stderr, !options.json);
        try {
          engine = await openEngine(engineOptions(interrupt.signal, modelBar.update));
        } finally {
          modelBar.stop();
        }
        interrupt.signal.throwIfAborted();
        loaded = performance.now();
        const bar = startProgress(io.stderr, 'track  ', video.frameCount, 'frames', !options.json);
        try {
          result = await engine.track(video, source.toTrackerQueries(queries), {
            bidirectional: mode === 'bidirectional',
            padQueries: options.padQueries ?? 0,
            onProgress: (p) => bar.update(p.framesEncoded, p.frameCount),
            signal: interrupt.signal,
            onFrame: final.onFrame,
          });
        } finally {
          bar.stop();
          await engine.dispose();
        }
      } catch (error) {
        if (!interrupt.signal.aborted) throw error;
        if (engine === undefined) throw new InterruptedError('interrupted while loading the model; nothing written (a download resumes where it stopped)');
        // What is final so far, with no position after it, marked incomplete.
        const frames = video.frameCount > 0 ? video.frameCount : final.framesDone;
        const framesDone = final.framesDone;
        if (frames === 0) throw new InterruptedError('interrupted before the first frame; nothing written');
        if (options.out === undefined) throw new InterruptedError('interrupted: nothing written (no --out)');
        const arrays = final.arrays(frames);
        const partial: TracksFileInput = {
          video: { ...source.fileVideo, frames },
          queries,
          mode,
          tracks: source.toOriginalTracks(arrays.tracks),
          visible: arrays.visible,
          backend: engine.backend,
          model: engine.model,
          timings: { loadMs: Math.round(loaded - started), trackMs: Math.round(performance.now() - loaded) },
          incomplete: { framesDone },
        };
        await writeTracks(options.out, partial);
        const why = mode === 'bidirectional' ? ' (bidirectional tracking finishes frames only at the end)' : '';
        throw new InterruptedError(`interrupted: ${options.out} holds the ${framesDone} final frames of ${frames}${why}, marked incomplete`);
      } finally {
        interrupt.dispose();
      }
      const tracked = performance.now();
      // In the original video's pixels (the tracker saw the --resize'd frames).
      const tracks = source.toOriginalTracks(result.tracks.data);
      if (options.out !== undefined) {
        await writeTracks(options.out, {
          video: { ...source.fileVideo, frames: result.frameCount },
          queries,
          mode,
          tracks,
          visible: result.visible.data,
          backend: engine.backend,
          model: engine.model,
          timings: { loadMs: Math.round(loaded - started), trackMs: Math.round(tracked - loaded) },
        });
      }
      let summary: string | undefined;
      if (options.overlay !== undefined || options.summary !== undefined) {
        // Drawn on the frames at their original size, where the tracks are.
        const frames = await source.originalFrames();
        const set: TrackSet = {
          points: queries.length,
          frames: result.frameCount,
          tracks,
          visible: result.visible.data,
          startFrame: queries.map((q) => firstTrackedFrame(mode, q.t)),
          queryFrame: queries.map((q) => q.t),
        };
        const style = overlayStyleOf(options);
        if (options.overlay !== undefined) {
          summary = options.summary ?? defaultSummaryPath(options.overlay);
          const overlayBar = startProgress(io.stderr, 'overlay', result.frameCount, 'frames', !options.json);
          try {
            await writeOverlay(frames, set, options.overlay, { summary, style, onFrame: (n) => overlayBar.update(n), env: io.env });
          } finally {
            overlayBar.stop();
          }
        } else {
          summary = options.summary!;
          await writeSummary(frames, set, summary, { style });
        }
      }
      const report = {
        video: videoPath,
        frames: result.frameCount,
        points: queries.length,
        out: options.out ?? null,
        overlay: options.overlay ?? null,
        summary: summary ?? null,
        backend: engine.backend,
        model: engine.model,
        timings: { loadMs: Math.round(loaded - started), trackMs: Math.round(tracked - loaded), totalMs: Math.round(performance.now() - started) },
      };
      if (options.json) {
        io.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        const variant = describeModelVariant(engine.model);
        io.stdout.write(
          `tracked ${queries.length} points over ${result.frameCount} frames (${engine.backend}${variant !== undefined ? `, ${variant}` : ''}, ${(report.timings.trackMs / 1000).toFixed(1)} s)${options.out !== undefined ? `: ${options.out}` : ''}\n`,
        );
        if (options.overlay !== undefined) io.stdout.write(`overlay: ${options.overlay}\n`);
        if (summary !== undefined) io.stdout.write(`summary: ${summary}\n`);
      }
    });
}
