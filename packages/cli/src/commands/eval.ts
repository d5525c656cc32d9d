// SPDX-License-Identifier: Apache-2.0
import { writeFile } from 'node:fs/promises';
import { DATASET_KINDS, formatMetricsTable, type PointScale, type QueryMode, type TapvidDatasetKind } from '@taptr/tapvid';
import { TaptrError } from '@taptr/tensor';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { newCommand, nonNegativeInt, oneOf, positiveInt } from '../command-kit.js';
import { evaluateOnQueue } from '../distributed/queued-eval.js';
import { addQueueOptions, type QueueSubmitOptions, refuseWithQueue } from '../distributed/queue-options.js';
import { type Backend, BACKENDS, openEngine } from '../engine/open-engine.js';
import { type DatasetEvaluation, evaluateDataset, metricsJson } from '../eval/evaluate-dataset.js';
import { resolveDataset } from '../eval/resolve-dataset.js';
import { startProgress } from '../progress.js';
import { UsageError } from '../usage-error.js';

interface EvalOptions extends QueueSubmitOptions {
  model?: string;
  config?: string;
  baseline?: 'stationary';
  dataset?: TapvidDatasetKind;
  mode?: QueryMode;
  resize: '256' | 'none';
  padQueries: number;
  scale: PointScale;
  backend: Backend;
  threads?: number;
  maxVideos?: number;
  out?: string;
  json?: boolean;
}

/** `taptr eval`: the official TAPTR evaluation protocol on a TAP-Vid dataset. */
export function evalCommand(io: CliIo): Command {
  return addQueueOptions(
    newCommand('eval', io, [
      'taptr eval tapvid_davis.pkl --model models/taptr-v1 --mode first --out davis-first.json',
      'taptr eval tapvid_davis.pkl --model models/taptr-v1 --mode strided --out davis-strided.json',
      'taptr eval kinetics/ --model models/taptr-v1 --mode first --scale tapnet --pad-queries 0',
      'taptr eval tapvid_davis.pkl --baseline stationary --mode first --resize none --json',
      'taptr eval my_split.pkl --dataset robotap --model models/taptr-v1 --mode first',
      'taptr eval tapvid_davis.pkl --model models/taptr-v1 --mode first --queue redis://queue.internal:6379/0 --out davis-first.json',
    ])
      .description(
        'Evaluate on a TAP-Vid dataset (DAVIS/RGB-Stacking pickle, RoboTAP or Kinetics folder, recognised by content whatever the files are called) with the official TAPTR protocol: ' +
          'frames resized to 256x256, points x (W-1), queries padded to 800, strided mode bidirectional. Prints per-video and mean AJ, <δ^x_avg, OA and every threshold.',
      )
      .argument('<dataset>', 'TAP-Vid pickle file or folder')
      .option('--dataset <kind>', `force the dataset kind (${DATASET_KINDS.join(', ')}) instead of recognising it from the content`, oneOf(DATASET_KINDS))
      .option('--model <dir|checkpoint>', 'converted model folder (taptr convert) or official .pth checkpoint')
      .option('--config <config.json>', 'model configuration for a .pth (keys of the reference config.json)')
      .option('--baseline <name>', 'evaluate a baseline instead of a model: stationary (zero motion, always visible)', oneOf(['stationary'] as const))
      .option('--mode <mode>', "query mode: 'first' (first visible frame) or 'strided' (every 5th frame, bidirectional)", oneOf(['first', 'strided'] as const))
      .option('--resize <size>', "256 (the standard) or 'none' (the video's own size; the metric scale follows it)", oneOf(['256', 'none'] as const), '256')
      .option('--pad-queries <n>', 'pad queries to n points per call as the official evaluation (0 = none)', nonNegativeInt, 800)
      .option('--scale <scale>', "normalized -> pixels: 'taptr' (x (W-1), TAPTR/CoTracker) or 'tapnet' (x W)", oneOf(['taptr', 'tapnet'] as const), 'taptr')
      .option('--backend <name>', `execution backend: ${BACKENDS.join(', ')}`, oneOf(BACKENDS), 'cpu')
      .option('--threads <n>', 'CPU threads', positiveInt)
      .option('--max-videos <n>', 'evaluate only the first n videos', positiveInt)
      .option('--out <metrics.json>', 'write per-video and mean metrics as JSON')
      .option('--json', 'print the metrics JSON on stdout instead of a table'),
  ).action(async (dataset: string, options: EvalOptions) => {
    if (options.mode === undefined) throw new UsageError("--mode is required: 'first' or 'strided'");
    if (options.model === undefined && options.baseline === undefined) throw new UsageError('--model is required (or --baseline stationary)');
    if (options.model !== undefined && options.baseline !== undefined) throw new UsageError('give either --model or --baseline, not both');
    if (options.out !== undefined && !options.out.toLowerCase().endsWith('.json')) throw new UsageError(`--out must end in .json, got ${options.out}`);
    const started = performance.now();
    // Recognised (or the forced kind checked) before any model is loaded.
    const resolved = resolveDataset(dataset, options.dataset);
    const resize = options.resize === 'none' ? 'none' : 256;
    let evaluation: DatasetEvaluation;
    let model: Readonly<Record<string, unknown>>;
    let backend: string;
    if (options.queue !== undefined) {
      // One job per video on the queue's workers; the same aggregation and document as below.
      refuseWithQueue(options as unknown as Record<string, unknown>, [['threads', '--threads', 'each worker sets its own: taptr worker --threads N']]);
      const queued = await evaluateOnQueue(io, {
        dataset,
        kind: resolved.kind,
        model: {
          ...(options.model !== undefined ? { model: options.model } : {}),
          ...(options.config !== undefined ? { config: options.config } : {}),
          ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
        },
        protocol: { mode: options.mode, resize, scale: options.scale, padQueries: options.padQueries },
        backend: options.backend,
        ...(options.maxVideos !== undefined ? { maxVideos: options.maxVideos } : {}),
        submit: { ...options, queue: options.queue },
        ...(options.json !== undefined ? { json: options.json } : {}),
      });
      if (queued === undefined) return;
      ({ evaluation, model, backend } = queued);
    } else {
      const engine = await openEngine({
        backend: options.backend,
        ...(options.model !== undefined ? { model: options.model } : {}),
        ...(options.config !== undefined ? { config: options.config } : {}),
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
      });
      let bar = startProgress(io.stderr, 'eval', 1, 'frames', false);
      try {
        evaluation = await evaluateDataset(engine, dataset, {
          mode: options.mode,
          resize,
          scale: options.scale,
          kind: resolved.kind,
          padQueries: options.padQueries,
          ...(options.maxVideos !== undefined ? { maxVideos: options.maxVideos } : {}),
          onVideo: (i, name) => {
            bar.stop();
            bar = startProgress(io.stderr, `eval ${i + 1} ${name}`, 1, 'frames', !options.json);
          },
          onProgress: (p) => bar.update(p.framesEncoded, p.frameCount),
        });
      } finally {
        bar.stop();
        await engine.dispose();
      }
      model = engine.model;
      backend = engine.backend;
    }
    if (evaluation.videos.length === 0) throw new TaptrError('TAPTR_DATASET_FORMAT', `${dataset}: no videos to evaluate`);
    const doc = {
      dataset,
      datasetKind: resolved.kind,
      protocol: { mode: options.mode, resize, scale: options.scale, padQueries: options.padQueries },
      model,
      backend,
      mean: metricsJson(evaluation.mean),
      videos: evaluation.videos.map((v) => ({
        name: v.name,
        frames: v.frames,
        width: v.width,
        height: v.height,
        queries: v.queries,
        ms: v.ms,
        metrics: metricsJson(v.metrics),
      })),
      timings: { totalMs: Math.round(performance.now() - started) },
    };
    if (options.out !== undefined) {
      try {
        await writeFile(options.out, `${JSON.stringify(doc, null, 1)}\n`);
      } catch (error) {
        throw new TaptrError('TAPTR_IO', `cannot write ${options.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
          cause: error,
        });
      }
    }
    if (options.json) {
      io.stdout.write(`${JSON.stringify(doc)}\n`);
      return;
    }
    const rows = [
      ...evaluation.videos.map((v) => ({ name: v.name, metrics: v.metrics })),
      { name: `mean (${evaluation.videos.length} videos)`, metrics: evaluation.mean },
    ];
    const modelName: unknown = model['name'] ?? options.model;
    io.stdout.write(
      `${dataset} (${resolved.kind}): ${options.mode}, resize ${resize}, scale ${options.scale}, ${backend === 'baseline' ? `baseline ${String(model['name'])}` : `model ${String(modelName)} (${backend})`}\n`,
    );
    io.stdout.write(`${formatMetricsTable(rows, { jaccard: true })}\n`);
    if (options.out !== undefined) io.stdout.write(`metrics: ${options.out}\n`);
  });
}
