// SPDX-License-Identifier: Apache-2.0
import { writeFile } from 'node:fs/promises';
import { TaptrError } from '@taptr/tensor';
import { float32Number, type TrackOutput } from './track-output.js';

/**
 * The JSON document of a tracking result:
 * `{ video: {width, height, frames}, queries: [{t, x, y}], tracks: [N][T][2], visible: [N][T], backend, model, timings }`.
 * Coordinates are written with the fewest digits that read back to the same float32.
 */
export function tracksToJson(output: TrackOutput): string {
  const n = output.queries.length;
  const t = output.video.frames;
  const tracks: (number | null)[][][] = [];
  const visible: boolean[][] = [];
  for (let i = 0; i < n; i++) {
    const row: (number | null)[][] = [];
    const vis: boolean[] = [];
    for (let f = 0; f < t; f++) {
      const k = i * t + f;
      row.push([float32Number(output.tracks[k * 2]!), float32Number(output.tracks[k * 2 + 1]!)]);
      vis.push(Boolean(output.visible[k]));
    }
    tracks.push(row);
    visible.push(vis);
  }
  // One line per point: readable without the bloat of full indentation.
  const rows = (items: readonly unknown[]): string => (items.length === 0 ? '[]' : `[\n  ${items.map((r) => JSON.stringify(r)).join(',\n  ')}\n ]`);
  return `{
 "video": ${JSON.stringify(output.video)},
 "queries": ${rows(output.queries.map((q) => ({ t: q.t, x: q.x, y: q.y })))},
 "tracks": ${rows(tracks)},
 "visible": ${rows(visible)},
 "backend": ${JSON.stringify(output.backend)},
 "model": ${JSON.stringify(output.model)},
 "timings": ${JSON.stringify(output.timings)}
}
`;
}

/** The CSV form of a tracking result: header `point,t,x,y,visible`, one row per point and frame, visible as 1/0. */
export function tracksToCsv(output: TrackOutput): string {
  const n = output.queries.length;
  const t = output.video.frames;
  const lines = ['point,t,x,y,visible'];
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < t; f++) {
      const k = i * t + f;
      const x = float32Number(output.tracks[k * 2]!);
      const y = float32Number(output.tracks[k * 2 + 1]!);
      lines.push(`${i},${f},${x ?? 'nan'},${y ?? 'nan'},${output.visible[k] ? 1 : 0}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes a tracking result as JSON (`.json`) or CSV (`.csv`), chosen by the path's extension.
 * @throws TaptrError `TAPTR_INVALID_ARGUMENT` for another extension, `TAPTR_IO` when the file cannot be written.
 */
export async function writeTracks(path: string, output: TrackOutput): Promise<void> {
  const lower = path.toLowerCase();
  let text: string;
  if (lower.endsWith('.json')) text = tracksToJson(output);
  else if (lower.endsWith('.csv')) text = tracksToCsv(output);
  else throw new TaptrError('TAPTR_INVALID_ARGUMENT', `--out must end in .json or .csv, got ${path}`);
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
}
