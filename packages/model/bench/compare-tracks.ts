// SPDX-License-Identifier: Apache-2.0
// Measurement helper (not a test): the deviation of a variant's tracks from the fp32 tracks, both written
// by `taptr track --out tracks.json` on the same video and queries. Prints JSON: per-entry pixel distance
// (max, mean, p95 over every point and frame; also over the frames fp32 calls visible) and the number of
// occlusion decisions that differ. Usage:
//   npx tsx bench/compare-tracks.ts fp32-tracks.json variant-tracks.json
import { readFileSync } from 'node:fs';

interface TracksJson {
  readonly video: { readonly width: number; readonly height: number; readonly frames: number };
  readonly tracks: readonly (readonly (readonly [number | null, number | null])[])[];
  readonly visible: readonly (readonly boolean[])[];
  readonly model?: Record<string, unknown>;
  readonly timings?: Record<string, number>;
}

const [refPath, varPath] = process.argv.slice(2);
if (refPath === undefined || varPath === undefined) {
  process.stderr.write('usage: compare-tracks.ts fp32-tracks.json variant-tracks.json\n');
  process.exit(2);
}
const read = (path: string): TracksJson => JSON.parse(readFileSync(path, 'utf8')) as TracksJson;
const ref = read(refPath);
const other = read(varPath);
if (ref.tracks.length !== other.tracks.length || ref.video.frames !== other.video.frames) {
  process.stderr.write(`compare-tracks: ${refPath} and ${varPath} hold different points or frames\n`);
  process.exit(1);
}

const all: number[] = [];
const visible: number[] = [];
let occlusionDiffs = 0;
let entries = 0;
ref.tracks.forEach((row, n) =>
  row.forEach(([x, y], t) => {
    const [x2, y2] = other.tracks[n]![t]!;
    const d = Math.hypot((x ?? Number.NaN) - (x2 ?? Number.NaN), (y ?? Number.NaN) - (y2 ?? Number.NaN));
    all.push(d);
    if (ref.visible[n]![t]) visible.push(d);
    if (ref.visible[n]![t] !== other.visible[n]![t]) occlusionDiffs++;
    entries++;
  }),
);

function stats(values: readonly number[]): { max: number; mean: number; p95: number; count: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (v: number): number => Math.round(v * 1e4) / 1e4;
  return {
    max: r(sorted.at(-1) ?? 0),
    mean: r(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    p95: r(sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0),
    count: sorted.length,
  };
}

process.stdout.write(
  `${JSON.stringify(
    {
      reference: refPath,
      variant: varPath,
      video: ref.video,
      points: ref.tracks.length,
      pixelDistance: stats(all),
      pixelDistanceVisibleInReference: stats(visible),
      occlusionDecisionsDiffering: occlusionDiffs,
      occlusionDecisions: entries,
      trackMs: { reference: ref.timings?.['trackMs'] ?? null, variant: other.timings?.['trackMs'] ?? null },
      trackSpeedup: ref.timings?.['trackMs'] && other.timings?.['trackMs'] ? Math.round((ref.timings['trackMs'] / other.timings['trackMs']) * 100) / 100 : null,
    },
    null,
    1,
  )}\n`,
);
