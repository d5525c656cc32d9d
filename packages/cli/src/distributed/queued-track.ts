// SPDX-License-Identifier: Apache-2.0
import { mkdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { createDigestCache, type FileRef, type JobBackend, type TrackJob, type TrackJobResult, type TrackQueries } from '@taptr/queue';
import { TaptrError } from '@taptr/tensor';
import type { CliIo } from '../cli-io.js';
import { UsageError } from '../usage-error.js';
import { describeModel, type ModelOptions } from './model-ref.js';
import { defaultRunName, type QueueSubmitOptions, refuseWithQueue } from './queue-options.js';
import { listTrackInputs } from './track-inputs.js';
import { trackResultStands } from './track-processor.js';
import { submitAndWatch } from './watch-run.js';

/** Inputs of {@link trackOnQueue}. */
interface QueuedTrackRequest {
  /** `DIR_OR_GLOB` (see `listTrackInputs`). */
  readonly input: string;
  readonly outDir: string;
  /** `.json` (default) or `.csv` tracks files. */
  readonly format?: 'json' | 'csv';
  readonly queries: { readonly file: string } | { readonly grid: number; readonly frame: number; readonly mask?: string };
  readonly model: ModelOptions;
  readonly bidirectional: boolean;
  readonly padQueries: number;
  readonly backend: JobBackend;
  readonly submit: QueueSubmitOptions & { readonly queue: string };
  readonly json?: boolean;
  readonly intervalMs?: number;
}

/** One tracked video in {@link QueuedTracking}. */
interface QueuedTrack {
  readonly video: string;
  readonly out: string;
  readonly frames: number;
  readonly points: number;
  readonly ms: number;
  readonly worker: string;
}

/** What `taptr track --queue` reports. */
interface QueuedTracking {
  readonly run: string;
  readonly outDir: string;
  readonly videos: readonly QueuedTrack[];
  /** Videos whose tracks file was already there from the same inputs (no work this time). */
  readonly alreadyDone: number;
}

/**
 * `taptr track DIR_OR_GLOB --queue URL --out-dir OUT`: one job per video writing
 * `OUT/<video name>.json`; a video whose tracks file is there from the same inputs (result stored,
 * file unchanged) is skipped. Waits with one progress bar over all workers.
 * @returns undefined with `--detach`.
 * @throws TaptrError `TAPTR_JOB_FAILED` when videos failed (each one's error printed on stderr).
 */
async function trackOnQueue(io: CliIo, request: QueuedTrackRequest): Promise<QueuedTracking | undefined> {
  const digests = createDigestCache();
  const videos = await listTrackInputs(request.input);
  const outDir = resolve(request.outDir);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `--out-dir ${request.outDir}: cannot create (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
  const ext = `.${request.format ?? 'json'}`;
  const outs = videos.map((v) => join(outDir, `${basename(v, extname(v))}${ext}`));
  const clash = outs.findIndex((o, i) => outs.indexOf(o) !== i);
  if (clash >= 0) throw new UsageError(`${videos[outs.indexOf(outs[clash]!)]} and ${videos[clash]} would both write ${outs[clash]}: rename one`);
  const ref = async (path: string, what: string): Promise<FileRef> => {
    const absolute = resolve(path);
    try {
      return { path: absolute, sha256: await digests.sha256(absolute) };
    } catch (error) {
      throw new TaptrError('TAPTR_IO', `${what} ${path}: cannot read`, { cause: error });
    }
  };
  const model = await describeModel(request.model, digests);
  const q = request.queries;
  const queries: TrackQueries =
    'file' in q
      ? { kind: 'file', file: await ref(q.file, '--queries') }
      : { kind: 'grid', n: q.grid, frame: q.frame, ...(q.mask !== undefined ? { mask: await ref(q.mask, '--mask') } : {}) };
  const refs: FileRef[] = [];
  for (const video of videos) refs.push(await ref(video, 'video'));
  const build = (run: string): TrackJob[] =>
    refs.map((video, i) => ({
      kind: 'track',
      run,
      video,
      queries,
      model,
      options: { bidirectional: request.bidirectional, padQueries: request.padQueries },
      backend: request.backend,
      out: outs[i]!,
    }));
  const run = request.submit.run ?? defaultRunName(`track-${basename(outDir)}`, build('x'));
  const jobs = build(run);
  const finished = await submitAndWatch(io, {
    run,
    jobs,
    submit: request.submit,
    meta: { command: 'track', input: request.input, outDir, model: request.model.model ?? request.model.baseline },
    reuse: (job, result) => job.kind === 'track' && result.kind === 'track' && trackResultStands(job, result),
    again: 'waits for it',
    ...(request.json !== undefined ? { json: request.json } : {}),
    ...(request.intervalMs !== undefined ? { intervalMs: request.intervalMs } : {}),
  });
  if (finished === undefined) return undefined;
  const tracked = finished.view.jobs.map((job, i) => {
    const result = job.result as TrackJobResult | undefined;
    if (result?.kind !== 'track') throw new TaptrError('TAPTR_JOB_INVALID', `run ${run}: no stored result for ${videos[i]}`);
    return { video: videos[i]!, out: result.out, frames: result.frames, points: result.points, ms: result.ms, worker: result.worker };
  });
  return { run, outDir, videos: tracked, alreadyDone: finished.summary.done };
}

/** The `taptr track` options {@link runQueuedTrack} reads. */
export interface QueuedTrackCommandOptions extends QueueSubmitOptions {
  readonly outDir?: string;
  readonly out?: string;
  readonly overlay?: string;
  readonly summary?: string;
  readonly threads?: number;
  readonly queries?: string;
  readonly grid?: number;
  readonly gridFrame?: number;
  readonly mask?: string;
  readonly model?: string;
  readonly config?: string;
  readonly baseline?: 'stationary';
  readonly bidirectional?: boolean;
  readonly padQueries?: number;
  readonly backend: JobBackend;
  readonly json?: boolean;
}

/**
 * `taptr track DIR_OR_GLOB --queue URL --out-dir OUT`: checks the options, runs
 * {@link trackOnQueue}, prints the report (`--json`: one JSON document).
 */
export async function runQueuedTrack(io: CliIo, input: string, options: QueuedTrackCommandOptions & { readonly queue: string }): Promise<void> {
  if (options.outDir === undefined)
    throw new UsageError('--out-dir is required with --queue (one tracks file per video goes there; every worker must reach it)');
  refuseWithQueue(options as unknown as Readonly<Record<string, unknown>>, [
    ['out', '--out', 'use --out-dir: one tracks file per video'],
    ['overlay', '--overlay', 'overlays are rendered by a local taptr track'],
    ['summary', '--summary', 'overlays are rendered by a local taptr track'],
    ['threads', '--threads', 'each worker sets its own: taptr worker --threads N'],
  ]);
  if (options.model === undefined && options.baseline === undefined)
    throw new UsageError('--model is required (a folder from taptr convert, or a .pth checkpoint)');
  if (options.model !== undefined && options.baseline !== undefined) throw new UsageError('give either --model or --baseline, not both');
  if ((options.queries === undefined) === (options.grid === undefined)) throw new UsageError('give exactly one of --queries FILE or --grid N');
  if (options.grid === undefined && (options.gridFrame !== undefined || options.mask !== undefined)) {
    throw new UsageError(`${options.gridFrame !== undefined ? '--grid-frame' : '--mask'} needs --grid N`);
  }
  const tracking = await trackOnQueue(io, {
    input,
    outDir: options.outDir,
    queries:
      options.queries !== undefined
        ? { file: options.queries }
        : { grid: options.grid!, frame: options.gridFrame ?? 0, ...(options.mask !== undefined ? { mask: options.mask } : {}) },
    model: {
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(options.config !== undefined ? { config: options.config } : {}),
      ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
    },
    bidirectional: options.bidirectional === true,
    padQueries: options.padQueries ?? 0,
    backend: options.backend,
    submit: options,
    ...(options.json !== undefined ? { json: options.json } : {}),
  });
  if (tracking === undefined) return;
  if (options.json) {
    io.stdout.write(`${JSON.stringify(tracking)}\n`);
    return;
  }
  for (const v of tracking.videos) io.stdout.write(`${v.out}  (${v.points} points, ${v.frames} frames, ${v.worker})\n`);
  io.stdout.write(`tracked ${tracking.videos.length} videos (run ${tracking.run}; ${tracking.alreadyDone} already done): ${tracking.outDir}\n`);
}
