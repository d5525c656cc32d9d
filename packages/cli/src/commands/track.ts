// SPDX-License-Identifier: Apache-2.0
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { firstTrackedFrame, type TrackingMode, type TracksFileInput } from '@taptr/tracker';
import { openVideo, OVERLAY_FORMS, overlayTarget, writeOverlay } from '@taptr/video';
import type { CliIo } from '../cli-io.js';
import { newCommand, nonNegativeInt, oneOf, positiveInt } from '../command-kit.js';
import { addQueueOptions, type QueueSubmitOptions } from '../distributed/queue-options.js';
import { runQueuedTrack } from '../distributed/queued-track.js';
import { collectFinalFrames } from '../engine/final-frames.js';
import { describeModelVariant } from '../engine/load-model.js';
import { modelProgress } from '../engine/model-progress.js';
import { type Backend, BACKENDS, openEngine } from '../engine/open-engine.js';
import type { TrackingEngine } from '../engine/tracking-engine.js';
import { watchInterrupt } from '../interrupt.js';
import type { TrackOutput } from '../output/track-output.js';
import { writeTracks } from '../output/write-tracks.js';
import { startProgress } from '../progress.js';
import { gridQueries } from '../queries/grid-queries.js';
import type { QueryPoint } from '../queries/query-set.js';
import { readMask } from '../queries/read-mask.js';
import { readQueries } from '../queries/read-queries.js';
import { InterruptedError, UsageError } from '../usage-error.js';

interface TrackOptions extends QueueSubmitOptions {
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
export function defaultSummaryPath(overlay: string): string {
  const ext = extname(overlay);
  return overlayTarget(overlay) === 'video' ? join(dirname(overlay), `${basename(overlay, ext)}.summary.png`) : join(overlay, 'summary.png');
}

/** `taptr track`: track query points through a video. */
export function trackCommand(io: CliIo): Command {
  return addQueueOptions(
    newCommand('track', io, [
      'taptr track clip.mp4 --model models/taptr-v1 --queries points.json --out tracks.json --overlay overlay.mp4',
      'taptr track frames/ --model models/taptr-v1 --grid 10 --out tracks.csv',
      'taptr track clip.mp4 --model models/taptr-v1 --grid 20 --grid-frame 30 --mask car.png --bidirectional --out car.json --overlay car-frames/',
      'taptr track video.npy --model ~/.cache/taptr/taptrv1.pth --config config.json --queries q.npy --out tracks.json',
      "taptr track 'clips/*.mp4' --model models/taptr-v1 --grid 10 --queue redis://queue.internal:6379/0 --out-dir /shared/tracks",
    ])
      .description(
        'Track points through a video. VIDEO: a video file (mp4, webm, mov, mkv; ffmpeg), a folder of PNG frames, or a .npy uint8 [T,H,W,3]. ' +
          'Queries are (t, x, y): frame index and pixel position, integer = pixel centre (docs/coordinates.md).',
      )
      .argument('<video>', 'video file, folder of PNG frames, or .npy [T,H,W,3] uint8; with --queue: a folder of videos or a quoted pattern like \'clips/*.mp4\'')
      .option('--model <dir|checkpoint|id>', 'converted model folder (taptr convert), official .pth checkpoint, or a model id: taptr-v1 (downloaded, converted and cached on first use)')
      .option('--config <config.json>', 'model configuration (keys of the reference config.json; sets the input resolution, default 512)')
      .option('--queries <file>', 'query points: .json [{"t","x","y"}], .csv with header t,x,y, or .npy float [N,3] in TAP-Vid order (t, y, x)')
      .option('--grid <n>', 'track an n x n grid of points placed at cell centres (see README)', positiveInt)
      .option('--grid-frame <t>', 'frame of the grid points (default 0)', nonNegativeInt)
      .option('--mask <mask.png>', 'keep only the grid points on non-zero pixels of this PNG (same size as the video)')
      .option('--bidirectional', "also track backward from each query frame (the official strided protocol); without it, the frames before a point's query frame have no position (null in JSON, empty in CSV) and are not visible")
      .option('--pad-queries <n>', 'pad to n points with random points, as the official evaluation does (0 = no padding)', nonNegativeInt)
      .option('--backend <name>', `execution backend: ${BACKENDS.join(', ')}`, oneOf(BACKENDS), 'cpu')
      .option('--threads <n>', 'CPU threads', positiveInt)
      .option('--out <tracks.json|tracks.csv>', 'where to write the tracks (JSON or CSV)')
      .option('--overlay <out.mp4|dir/>', `also render an overlay: ${OVERLAY_FORMS}`)
      .option('--summary <summary.png>', 'where to write the summary PNG (default: beside the overlay)')
      .option('--baseline <name>', 'track with a baseline instead of a model: stationary', oneOf(['stationary'] as const))
      .option('--json', 'print a JSON report on stdout'),
  )
    .option('--out-dir <dir>', 'with --queue: where the tracks files go (<video name>.json each; every worker must reach it)')
    .action(async (videoPath: string, options: TrackOptions) => {
      if (options.queue !== undefined) return runQueuedTrack(io, videoPath, { ...options, queue: options.queue });
      if (options.outDir !== undefined) throw new UsageError('--out-dir needs --queue (a local run writes --out)');
      if (options.out === undefined) throw new UsageError('--out is required (a .json or .csv file)');
      if (!/\.(json|csv)$/i.test(options.out)) throw new UsageError(`--out must end in .json or .csv, got ${options.out}`);
      if (options.model === undefined && options.baseline === undefined) throw new UsageError('--model is required (a folder from taptr convert, or a .pth checkpoint)');
      if (options.model !== undefined && options.baseline !== undefined) throw new UsageError('give either --model or --baseline, not both');
      if ((options.queries === undefined) === (options.grid === undefined)) throw new UsageError('give exactly one of --queries FILE or --grid N');
      if (options.grid === undefined && (options.gridFrame !== undefined || options.mask !== undefined)) {
        throw new UsageError(`${options.gridFrame !== undefined ? '--grid-frame' : '--mask'} needs --grid N`);
      }
      if (options.summary !== undefined && options.overlay === undefined) throw new UsageError('--summary needs --overlay');
      if (options.overlay !== undefined && overlayTarget(options.overlay) === undefined) throw new UsageError(`--overlay must be ${OVERLAY_FORMS}, got ${options.overlay}`);
      if (options.summary !== undefined && !/\.png$/i.test(options.summary)) throw new UsageError(`--summary must end in .png, got ${options.summary}`);
      const mode: TrackingMode = options.bidirectional === true ? 'bidirectional' : 'forward';
      const started = performance.now();
      const video = await openVideo(videoPath, io.env);
      const extent = { frames: video.frameCount, width: video.width, height: video.height };
      let queries: QueryPoint[];
      if (options.queries !== undefined) {
        queries = await readQueries(options.queries, extent);
      } else {
        const t = options.gridFrame ?? 0;
        if (t >= video.frameCount) throw new UsageError(`--grid-frame must be a frame index in [0, ${video.frameCount - 1}], got ${t}`);
        const mask = options.mask !== undefined ? await readMask(options.mask) : undefined;
        if (mask !== undefined && (mask.width !== video.width || mask.height !== video.height)) {
          throw new UsageError(`--mask must be ${video.width}x${video.height} (the video's size), got ${mask.width}x${mask.height} (${options.mask})`);
        }
        queries = gridQueries(options.grid!, t, video.width, video.height, mask);
        if (queries.length === 0) throw new UsageError(`--mask ${options.mask}: no grid point falls inside the mask; use a larger --grid`);
      }

      // Ctrl-C from here to the end of tracking stops cleanly: the frames final so far are written (marked incomplete), exit 130.
      const interrupt = watchInterrupt();
      const final = collectFinalFrames(queries.length);
      let engine: TrackingEngine | undefined;
      let loaded = started;
      let result;
      try {
        const modelBar = modelProgress(io.stderr, !options.json);
        try {
          engine = await openEngine({
            backend: options.backend,
            ...(options.model !== undefined ? { model: options.model } : {}),
            ...(options.config !== undefined ? { config: options.config } : {}),
            ...(options.threads !== undefined ? { threads: options.threads } : {}),
            ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
            source: { env: io.env, onProgress: modelBar.update, signal: interrupt.signal },
          });
        } finally {
          modelBar.stop();
        }
        interrupt.signal.throwIfAborted();
        loaded = performance.now();
        const bar = startProgress(io.stderr, 'track  ', video.frameCount, 'frames', !options.json);
        try {
          result = await engine.track(video, queries, {
            bidirectional: mode === 'bidirectional',
            padQueries: options.padQueries ?? 0,
            onProgress: (p) => bar.update(p.done, p.total),
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
        const partial: TrackOutput & Pick<TracksFileInput, 'incomplete'> = {
          video: { width: video.width, height: video.height, frames },
          queries,
          mode,
          ...final.arrays(frames),
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
      await writeTracks(options.out, {
        video: { width: video.width, height: video.height, frames: result.frames },
        queries,
        mode,
        tracks: result.tracks,
        visible: result.visible,
        backend: engine.backend,
        model: engine.model,
        timings: { loadMs: Math.round(loaded - started), trackMs: Math.round(tracked - loaded) },
      });
      let summary: string | undefined;
      if (options.overlay !== undefined) {
        summary = options.summary ?? defaultSummaryPath(options.overlay);
        const overlayBar = startProgress(io.stderr, 'overlay', result.frames, 'frames', !options.json);
        try {
          await writeOverlay(
            video,
            {
              points: queries.length,
              frames: result.frames,
              tracks: result.tracks,
              visible: result.visible,
              startFrame: queries.map((q) => firstTrackedFrame(mode, q.t)),
            },
            options.overlay,
            { summary, onFrame: (n) => overlayBar.update(n), env: io.env },
          );
        } finally {
          overlayBar.stop();
        }
      }
      const report = {
        video: videoPath,
        frames: result.frames,
        points: queries.length,
        out: options.out,
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
          `tracked ${queries.length} points over ${result.frames} frames (${engine.backend}${variant !== undefined ? `, ${variant}` : ''}, ${(report.timings.trackMs / 1000).toFixed(1)} s): ${options.out}\n`,
        );
        if (options.overlay !== undefined) io.stdout.write(`overlay: ${options.overlay}\nsummary: ${summary}\n`);
      }
    });
}
