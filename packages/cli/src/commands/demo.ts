// SPDX-License-Identifier: Apache-2.0
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatMetricsTable } from '@taptr/tapvid';
import { hasFfmpeg, readNpyVideo, writeOverlay } from '@taptr/video';
import { referenceModelDir, sampleDatasetPath } from '../assets.js';
import type { CliIo } from '../cli-io.js';
import { newCommand, oneOf, positiveInt } from '../command-kit.js';
import { loadModel } from '../engine/load-model.js';
import { type Backend, BACKENDS } from '../engine/open-engine.js';
import { createStationaryEngine } from '../engine/stationary-engine.js';
import { createTaptrEngine } from '../engine/taptr-engine.js';
import { evaluateDataset, metricsJson } from '../eval/evaluate-dataset.js';
import { writeTracks } from '../output/write-tracks.js';
import { startProgress } from '../progress.js';
import { gridQueries } from '@taptr/tracker';

interface DemoOptions {
  out: string;
  grid: number;
  backend: Backend;
  threads?: number;
  json?: boolean;
}

/** The sentence every demo run ends with. */
const REFERENCE_MODEL_NOTE =
  'Note: the bundled model is the small reference model with random weights: it proves the pipeline runs, not tracking quality; ' +
  'for real tracks run `taptr fetch` then `taptr convert ~/.cache/taptr/taptrv1.pth --out models/taptr-v1`.';

/** `taptr demo`: the first command a newcomer runs; bundled data only, no network. */
export function demoCommand(io: CliIo): Command {
  return newCommand('demo', io, ['taptr demo', 'taptr demo --out /tmp/taptr-demo --grid 6', 'taptr demo --json'])
    .description(
      'Run the whole pipeline on bundled data (no network): score the zero-motion baseline on the bundled TAP-Vid-format sample (metrics table), ' +
        'then track a grid of points on the bundled reference video with the bundled reference model and write overlay.mp4, summary.png and tracks.json.',
    )
    .option('--out <dir>', 'output folder', 'taptr-demo')
    .option('--grid <n>', 'track an n x n grid of points', positiveInt, 4)
    .option('--backend <name>', `execution backend: ${BACKENDS.join(', ')}`, oneOf(BACKENDS), 'cpu')
    .option('--threads <n>', 'CPU threads', positiveInt)
    .option('--json', 'print a JSON report on stdout')
    .action(async (options: DemoOptions) => {
      const started = performance.now();
      const outDir = resolve(options.out);
      await mkdir(outDir, { recursive: true });

      // 1. TAP-Vid metrics of the zero-motion baseline on the bundled sample (official protocol settings).
      const sample = sampleDatasetPath();
      const evaluation = await evaluateDataset(createStationaryEngine(), sample, { mode: 'first', resize: 256, scale: 'taptr', padQueries: 0 });
      if (!options.json) {
        io.stdout.write(
          `TAP-Vid metrics of the zero-motion baseline on the bundled sample (${evaluation.videos.length} synthetic videos, query mode first, 256x256):\n`,
        );
        const rows = [...evaluation.videos.map((v) => ({ name: v.name, metrics: v.metrics })), { name: 'mean', metrics: evaluation.mean }];
        io.stdout.write(`${formatMetricsTable(rows)}\n\n`);
      }

      // 2. Track a grid on the bundled reference video with the bundled reference model.
      const refDir = referenceModelDir();
      const video = await readNpyVideo(join(refDir, 'video.npy'));
      const queries = gridQueries(options.grid, 0, video.width, video.height);
      const model = await loadModel(join(refDir, 'checkpoint.pth'), join(refDir, 'config.json'));
      const engine = await createTaptrEngine(
        { graphs: model.graphs, info: { ...model.info, name: 'taptr-reference (random weights)' } },
        { backend: options.backend, ...(options.threads !== undefined ? { threads: options.threads } : {}) },
      );
      const bar = startProgress(io.stderr, 'track  ', video.frameCount, 'frames', !options.json);
      const trackStart = performance.now();
      let result;
      try {
        result = await engine.track(video, queries, { onProgress: (p) => bar.update(p.framesEncoded, p.frameCount) });
      } finally {
        bar.stop();
        await engine.dispose();
      }
      const trackMs = Math.round(performance.now() - trackStart);
      // Without ffmpeg the overlay is written as PNG frames instead of a video.
      const ffmpeg = hasFfmpeg(io.env);
      const files = { tracks: join(outDir, 'tracks.json'), overlay: join(outDir, ffmpeg ? 'overlay.mp4' : 'overlay'), summary: join(outDir, 'summary.png') };
      await writeTracks(files.tracks, {
        video: { width: video.width, height: video.height, frames: result.frameCount },
        queries,
        mode: 'forward',
        tracks: result.tracks.data,
        visible: result.visible.data,
        backend: engine.backend,
        model: engine.model,
        timings: { trackMs },
      });
      const overlayBar = startProgress(io.stderr, 'overlay', result.frameCount, 'frames', !options.json);
      try {
        await writeOverlay(
          video,
          { points: queries.length, frames: result.frameCount, tracks: result.tracks.data, visible: result.visible.data, startFrame: queries.map((q) => q.t) },
          files.overlay,
          { summary: files.summary, onFrame: (n) => overlayBar.update(n), env: io.env },
        );
      } finally {
        overlayBar.stop();
      }
      const totalMs = Math.round(performance.now() - started);
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify({ metrics: { dataset: sample, method: 'stationary', mode: 'first', mean: metricsJson(evaluation.mean), videos: evaluation.videos.map((v) => ({ name: v.name, metrics: metricsJson(v.metrics) })) }, files, video: { path: video.path, width: video.width, height: video.height, frames: result.frameCount }, points: queries.length, backend: engine.backend, model: engine.model, timings: { trackMs, totalMs }, note: REFERENCE_MODEL_NOTE })}\n`,
        );
        return;
      }
      io.stdout.write(
        [
          `Tracked ${queries.length} points over ${result.frameCount} frames of the bundled ${video.width}x${video.height} reference video (${engine.backend}, ${(trackMs / 1000).toFixed(1)} s).`,
          `  summary.png  ${files.summary}   <- open this first`,
          ffmpeg
            ? `  overlay.mp4  ${files.overlay}`
            : `  overlay/     ${files.overlay}   (PNG frames: ffmpeg was not found, so no overlay.mp4; install ffmpeg for the video)`,
          `  tracks.json  ${files.tracks}`,
          REFERENCE_MODEL_NOTE,
          '',
        ].join('\n'),
      );
    });
}
