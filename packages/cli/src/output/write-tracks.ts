// SPDX-License-Identifier: Apache-2.0
import { writeFile } from 'node:fs/promises';
import { TaptrError } from '@taptr/tensor';
import { float32Number, positionOf, type TracksFileInput, writeTracksFile } from '@taptr/tracker';
import { tracksToNpy, tracksToNpz } from './tracks-arrays.js';

/** The `--out` forms of `taptr track`, in words (for `--help` and errors). */
export const TRACKS_OUT_FORMS = '.json, .csv, .npy or .npz';

/** True when `path` ends in one of the extensions {@link writeTracks} writes. */
export function isTracksOutPath(path: string): boolean {
  return /\.(json|csv|npy|npz)$/i.test(path);
}

/**
 * The JSON document of a tracking result: the tracks file of `@taptr/tracker` (`format:
 * 'taptr-tracks'`, version 2; see `writeTracksFile`). In forward mode the frames before a point's
 * query frame are `null` and not visible.
 */
function tracksToJson(output: TracksFileInput): string {
  return writeTracksFile(output);
}

/**
 * The CSV form of a tracking result: header `point,t,x,y,visible`, one row per point and frame,
 * visible as 1/0. A frame without a position (in forward mode, before the point's query frame) has
 * empty `x` and `y` cells and `visible` 0, the same rule as the JSON's `null`.
 */
export function tracksToCsv(output: TracksFileInput): string {
  const n = output.queries.length;
  const frames = output.video.frames;
  const lines = ['point,t,x,y,visible'];
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < frames; t++) {
      const p = positionOf(output, i, t);
      if (p === null) lines.push(`${i},${t},,,0`);
      else lines.push(`${i},${t},${float32Number(p[0])},${float32Number(p[1])},${output.visible[i * frames + t] ? 1 : 0}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes a tracking result as JSON (`.json`), CSV (`.csv`), NumPy (`.npy`: the tracks array; `.npz`:
 * tracks, visible, queries, query_points, frames, see `tracksArrays`), chosen by the path's extension.
 * @throws TaptrError `TAPTR_INVALID_ARGUMENT` for another extension, `TAPTR_IO` when the file cannot be written.
 */
export async function writeTracks(path: string, output: TracksFileInput): Promise<void> {
  const lower = path.toLowerCase();
  let text: string | Uint8Array;
  if (lower.endsWith('.json')) text = tracksToJson(output);
  else if (lower.endsWith('.csv')) text = tracksToCsv(output);
  else if (lower.endsWith('.npy')) text = tracksToNpy(output);
  else if (lower.endsWith('.npz')) text = tracksToNpz(output);
  else throw new TaptrError('TAPTR_INVALID_ARGUMENT', `--out must end in ${TRACKS_OUT_FORMS}, got ${path}`);
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
}
