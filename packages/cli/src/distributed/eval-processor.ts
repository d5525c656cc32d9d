// SPDX-License-Identifier: Apache-2.0
import type { EvalJob, EvalOutcome, JobContext, PathGuard } from '@taptr/queue';
import { METRIC_NAMES, type TapvidMetrics } from '@taptr/tapvid';
import { readTapvidVideoAt } from '@taptr/tapvid/node';
import { evaluateVideo } from '../eval/evaluate-video.js';
import type { EnginePool } from './engine-pool.js';

/**
 * How long a job's lock is held before the steps that block the event loop (reading a video,
 * loading a model: no lock renewal meanwhile); the lock goes back to `--lock-duration` right after.
 * A worker that dies during such a step loses its job to another after at most this long.
 */
export const BLOCKING_STEP_LOCK_MS = 5 * 60_000;

/**
 * The eval jobs of a worker: the dataset file checked (under `--allow-root`, the job's sha256), the
 * one video read as `taptr eval` reads it, evaluated with the same `evaluateVideo`, and its
 * per-video metrics returned as float64 values (NaN as null; JSON keeps every bit of a double).
 */
export function createEvalProcessor(pool: EnginePool, guard: PathGuard): (job: EvalJob, context: JobContext) => Promise<EvalOutcome> {
  return async (job, context) => {
    const file = await guard.verified(job.dataset.file, 'dataset file');
    // Reading the video (JPEG decoding, resizing) and loading a model block the event loop.
    await context.extendLock(BLOCKING_STEP_LOCK_MS);
    const sample = readTapvidVideoAt(file, job.dataset.entry, {
      kind: job.dataset.kind as Parameters<typeof readTapvidVideoAt>[2]['kind'],
      name: job.dataset.name,
      resize: job.protocol.resize,
      queryMode: job.protocol.mode,
      scale: job.protocol.scale,
    });
    const lease = await pool.acquire(job.model, job.backend, () => context.extendLock(BLOCKING_STEP_LOCK_MS));
    await context.extendLock();
    try {
      const start = performance.now();
      const result = await evaluateVideo(lease.engine, sample, {
        mode: job.protocol.mode,
        padQueries: job.protocol.padQueries,
        onProgress: (p) => context.progress(p.framesEncoded, p.frameCount ?? 0),
        signal: context.signal,
      });
      const [T, H, W] = sample.video.dims as [number, number, number, number];
      return {
        name: sample.name,
        frames: T,
        width: W,
        height: H,
        queries: result.queries,
        ms: Math.round(performance.now() - start),
        metrics: metricsRecord(result.metrics),
        model: lease.engine.model,
        backend: lease.engine.backend,
      };
    } finally {
      lease.release();
    }
  };
}

/** Per-video metrics (`[1]` each) as `{ name: value }`, NaN as null. */
function metricsRecord(metrics: TapvidMetrics): Record<string, number | null> {
  return Object.fromEntries(METRIC_NAMES.map((name) => [name, Number.isNaN(metrics[name][0]!) ? null : metrics[name][0]!]));
}

/**
 * The inverse of {@link metricsRecord}: per-video metrics (`[1]` each) for the aggregation.
 * @returns undefined when a metric is missing or not a number/null.
 */
export function metricsFromRecord(record: Readonly<Record<string, number | null>>): TapvidMetrics | undefined {
  const entries: [string, Float64Array][] = [];
  for (const name of METRIC_NAMES) {
    const value = record[name];
    if (value !== null && typeof value !== 'number') return undefined;
    entries.push([name, Float64Array.of(value ?? Number.NaN)]);
  }
  return { ...Object.fromEntries(entries), dims: [1] } as unknown as TapvidMetrics;
}
