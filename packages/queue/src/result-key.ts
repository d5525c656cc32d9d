// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import type { ModelRef, QueueJob } from './job-payload.js';

/**
 * The key of a job's result: sha256 (hex) of what determines it, and nothing else.
 * - eval: dataset sha256 + video index, the model's sha256 (a folder's `model.json`, or a
 *   checkpoint's bytes + its config's), the protocol (mode, resize, scale, padQueries), backend;
 * - track: the video's sha256, the queries (file sha256, or grid n/frame + mask sha256), the model,
 *   bidirectional/padQueries, backend, and the output path.
 * Paths, run names and worker settings are not part of it: the same work submitted again (from
 * another run, another mount point) finds its result; another model or option never does.
 */
export function resultKey(job: QueueJob): string {
  const identity =
    job.kind === 'eval'
      ? {
          v: 1,
          kind: 'eval',
          dataset: job.dataset.sha256,
          index: job.dataset.index,
          model: modelIdentity(job.model),
          protocol: [job.protocol.mode, job.protocol.resize, job.protocol.scale, job.protocol.padQueries],
          backend: job.backend,
        }
      : {
          v: 1,
          kind: 'track',
          video: job.video.sha256,
          queries:
            job.queries.kind === 'file' ? ['file', job.queries.file.sha256] : ['grid', job.queries.n, job.queries.frame, job.queries.mask?.sha256 ?? null],
          model: modelIdentity(job.model),
          options: [job.options.bidirectional, job.options.padQueries],
          backend: job.backend,
          out: job.out,
        };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** The queue's job id of a job: `<kind>-<result key>` (one job per result, whatever the run). */
export function jobIdOf(job: QueueJob): string {
  return `${job.kind}-${resultKey(job)}`;
}

function modelIdentity(model: ModelRef): unknown[] {
  if (model.kind === 'baseline') return ['baseline', model.name];
  if (model.kind === 'folder') return ['folder', model.sha256];
  return ['checkpoint', model.sha256, model.config?.sha256 ?? null];
}
