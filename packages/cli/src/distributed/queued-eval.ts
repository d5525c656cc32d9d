// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { createDigestCache, type EvalJob, type EvalProtocol, type JobBackend } from '@taptr/queue';
import type { TapvidDatasetKind } from '@taptr/tapvid';
import { indexTapvidDataset } from '@taptr/tapvid/node';
import { TaptrError } from '@taptr/tensor';
import type { CliIo } from '../cli-io.js';
import { type DatasetEvaluation, summarizeVideos, type VideoMetrics } from '../eval/evaluate-dataset.js';
import { metricsFromRecord } from './eval-processor.js';
import { describeModel, type ModelOptions } from './model-ref.js';
import { defaultRunName, type QueueSubmitOptions } from './queue-options.js';
import { submitAndWatch } from './watch-run.js';

/** What a queued evaluation gives `taptr eval` to report (the same as a local one). */
export interface QueuedEvaluation {
  readonly evaluation: DatasetEvaluation;
  /** The model description of the workers' engine (its path as given on this command line). */
  readonly model: Readonly<Record<string, unknown>>;
  readonly backend: string;
  readonly run: string;
}

/** Inputs of {@link evaluateOnQueue}. */
export interface QueuedEvalRequest {
  readonly dataset: string;
  readonly kind: TapvidDatasetKind;
  readonly model: ModelOptions;
  readonly protocol: EvalProtocol;
  readonly backend: JobBackend;
  readonly maxVideos?: number;
  readonly submit: QueueSubmitOptions & { readonly queue: string };
  readonly json?: boolean;
  /** Time between two looks at the run (default 1 s). */
  readonly intervalMs?: number;
}

/**
 * `taptr eval --queue`: one job per video (the dataset indexed without reading frames, every file
 * hashed), submitted as a run; waits with one progress bar over all workers; then aggregates the
 * per-video results in dataset order with the same code as a local run. Videos whose result is
 * stored (same dataset, video, model, protocol) are not run again.
 * @returns undefined with `--detach`.
 * @throws TaptrError `TAPTR_JOB_FAILED` when videos failed (each one's error printed on stderr).
 */
export async function evaluateOnQueue(io: CliIo, request: QueuedEvalRequest): Promise<QueuedEvaluation | undefined> {
  const digests = createDigestCache();
  const model = await describeModel(request.model, digests);
  const path = resolve(request.dataset);
  const index = indexTapvidDataset(path, request.kind);
  const fileSha = new Map<string, string>();
  for (const file of index.files) fileSha.set(file, await digests.sha256(file));
  const datasetSha = createHash('sha256')
    .update(`${index.kind}\n${index.files.map((f) => `${basename(f)}\t${fileSha.get(f)}\n`).join('')}`)
    .digest('hex');
  const locations = request.maxVideos !== undefined ? index.videos.slice(0, request.maxVideos) : index.videos;
  if (locations.length === 0) throw new TaptrError('TAPTR_DATASET_FORMAT', `${request.dataset}: no videos to evaluate`);
  const build = (run: string): EvalJob[] =>
    locations.map((location, i) => ({
      kind: 'eval',
      run,
      dataset: {
        path,
        sha256: datasetSha,
        kind: index.kind,
        videos: index.videos.length,
        index: i,
        name: location.name,
        file: { path: location.file, sha256: fileSha.get(location.file)! },
        entry: location.position,
      },
      model,
      protocol: request.protocol,
      backend: request.backend,
    }));
  const run = request.submit.run ?? defaultRunName(`eval-${basename(path).replace(/\.pkl$/i, '')}-${request.protocol.mode}`, build('x'));
  const jobs = build(run);
  const finished = await submitAndWatch(io, {
    run,
    jobs,
    submit: request.submit,
    meta: {
      command: 'eval',
      dataset: request.dataset,
      model: request.model.model ?? request.model.baseline,
      protocol: request.protocol,
      backend: request.backend,
    },
    again: 'waits for it and writes the metrics',
    ...(request.json !== undefined ? { json: request.json } : {}),
    ...(request.intervalMs !== undefined ? { intervalMs: request.intervalMs } : {}),
  });
  if (finished === undefined) return undefined;
  const { view } = finished;
  const videos: VideoMetrics[] = view.jobs.map((job, i) => {
    const result = job.result;
    const metrics = result?.kind === 'eval' ? metricsFromRecord(result.metrics) : undefined;
    if (result?.kind !== 'eval' || metrics === undefined || result.name !== jobs[i]!.dataset.name) {
      throw new TaptrError('TAPTR_JOB_INVALID', `run ${run}: the stored result of video ${i} (${jobs[i]!.dataset.name}) is not a complete eval result`);
    }
    return { name: result.name, frames: result.frames, width: result.width, height: result.height, queries: result.queries, metrics, ms: result.ms };
  });
  const first = view.jobs[0]!.result!;
  const given = request.model.model;
  const described = typeof first.model['path'] === 'string' && given !== undefined ? { ...first.model, name: basename(given), path: given } : first.model;
  return { evaluation: summarizeVideos(videos), model: described, backend: first.backend, run };
}
