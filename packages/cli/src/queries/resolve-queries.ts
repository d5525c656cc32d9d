// SPDX-License-Identifier: Apache-2.0
import { UsageError } from '../usage-error.js';
import { gridQueries, type QueryPoint, type VideoExtent } from '@taptr/tracker';
import { readMask } from './read-mask.js';
import { readQueries } from './read-queries.js';

/** Where `taptr track` takes its queries from (commander's names). */
export interface QuerySourceOptions {
  readonly queries?: string;
  readonly grid?: number;
  readonly gridFrame?: number;
  readonly mask?: string;
}

/**
 * The queries of `--queries FILE`, or of `--grid N [--grid-frame T] [--mask MASK.png]` (see
 * `gridQueries`), checked against `extent` (frames counted from `--start`, the original video's pixels).
 * @throws UsageError for a grid frame outside the video, a mask of another size or one no grid point falls in;
 *   TaptrError `TAPTR_INVALID_ARGUMENT` for a bad query file (see `readQueries`).
 */
export async function resolveQueries(options: QuerySourceOptions, extent: VideoExtent): Promise<QueryPoint[]> {
  if (options.queries !== undefined) return readQueries(options.queries, extent);
  const t = options.gridFrame ?? 0;
  if (t >= extent.frames) throw new UsageError(`--grid-frame must be a frame index in [0, ${extent.frames - 1}], got ${t}`);
  const mask = options.mask !== undefined ? await readMask(options.mask) : undefined;
  if (mask !== undefined && (mask.width !== extent.width || mask.height !== extent.height)) {
    throw new UsageError(`--mask must be ${extent.width}x${extent.height} (the video's size), got ${mask.width}x${mask.height} (${options.mask})`);
  }
  const queries = gridQueries(options.grid!, t, extent.width, extent.height, mask);
  if (queries.length === 0) throw new UsageError(`--mask ${options.mask}: no grid point falls inside the mask; use a larger --grid`);
  return queries;
}
