// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { JobContext, PathGuard, TrackJob, TrackOutcome, TrackJobResult } from '@taptr/queue';
import { TaptrError } from '@taptr/tensor';
import { openVideo } from '@taptr/video';
import { writeTracks } from '../output/write-tracks.js';
import { gridQueries, type QueryPoint } from '@taptr/tracker';
import { readMask } from '../queries/read-mask.js';
import { readQueries } from '../queries/read-queries.js';
import type { EnginePool } from './engine-pool.js';
import { BLOCKING_STEP_LOCK_MS } from './eval-processor.js';

/**
 * The track jobs of a worker: video, queries and mask checked (under `--allow-root`, the job's
 * sha256), tracked as `taptr track` does, the tracks file written beside its final path and
 * renamed into place (a killed worker never leaves half a file), and its sha256 returned.
 */
export function createTrackProcessor(
  pool: EnginePool,
  guard: PathGuard,
  env: NodeJS.ProcessEnv,
): (job: TrackJob, context: JobContext) => Promise<TrackOutcome> {
  return async (job, context) => {
    const videoPath = await guard.verified(job.video, 'video');
    const out = await guard.writable(job.out, 'output');
    const started = performance.now();
    await context.extendLock(BLOCKING_STEP_LOCK_MS);
    const video = await openVideo(videoPath, env);
    const extent = { frames: video.frameCount, width: video.width, height: video.height };
    let queries: QueryPoint[];
    if (job.queries.kind === 'file') {
      queries = await readQueries(await guard.verified(job.queries.file, 'query file'), extent);
    } else {
      const { n, frame, mask } = job.queries;
      if (frame >= video.frameCount)
        throw new TaptrError('TAPTR_INVALID_ARGUMENT', `${job.video.path}: grid frame ${frame} is past the video's ${video.frameCount} frames`);
      const pixels = mask !== undefined ? await readMask(await guard.verified(mask, 'mask')) : undefined;
      if (pixels !== undefined && (pixels.width !== video.width || pixels.height !== video.height)) {
        throw new TaptrError(
          'TAPTR_INVALID_ARGUMENT',
          `${job.video.path}: the mask is ${pixels.width}x${pixels.height}, the video ${video.width}x${video.height}`,
        );
      }
      queries = gridQueries(n, frame, video.width, video.height, pixels);
      if (queries.length === 0) throw new TaptrError('TAPTR_INVALID_ARGUMENT', `${job.video.path}: no grid point falls inside the mask`);
    }
    const lease = await pool.acquire(job.model, job.backend, () => context.extendLock(BLOCKING_STEP_LOCK_MS));
    await context.extendLock();
    try {
      const loaded = performance.now();
      const result = await lease.engine.track(video, queries, {
        bidirectional: job.options.bidirectional,
        padQueries: job.options.padQueries,
        onProgress: (p) => context.progress(p.framesEncoded, p.frameCount ?? 0),
        signal: context.signal,
      });
      const tracked = performance.now();
      const temporary = join(dirname(out), `.${basename(out, extname(out))}.${process.pid}.partial${extname(out)}`);
      try {
        await writeTracks(temporary, {
          video: { width: video.width, height: video.height, frames: result.frameCount },
          queries,
          mode: job.options.bidirectional ? 'bidirectional' : 'forward',
          tracks: result.tracks.data,
          visible: result.visible.data,
          backend: lease.engine.backend,
          model: lease.engine.model,
          timings: { loadMs: Math.round(loaded - started), trackMs: Math.round(tracked - loaded) },
        });
        await rename(temporary, out);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return {
        out: job.out,
        sha256: await fileSha256(out),
        frames: result.frameCount,
        points: queries.length,
        ms: Math.round(performance.now() - started),
        model: lease.engine.model,
        backend: lease.engine.backend,
      };
    } finally {
      lease.release();
    }
  };
}

/**
 * Whether a stored track result still stands: its tracks file is where the job wants it and has the
 * bytes it was written with (a deleted or edited file is tracked again).
 */
export async function trackResultStands(job: TrackJob, result: TrackJobResult): Promise<boolean> {
  if (result.out !== job.out) return false;
  try {
    return (await fileSha256(job.out)) === result.sha256;
  } catch {
    return false;
  }
}

async function fileSha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}
