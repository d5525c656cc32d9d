// SPDX-License-Identifier: Apache-2.0

interface BenchResult {
  date: string;
  machine: { cpu: string; cores: number; memoryGB: number; platform: string };
  versions: Record<string, string>;
  threads: number;
  dataset: string;
  accuracy: { method: string; mode: string; padQueries: number; mean: Record<string, number | null>; videos: number; ms: number }[];
  speed: Record<string, string | number>[];
  skipped: { backend: string; reason: string }[];
  totalMs: number;
}

const pct = (v: number | null | undefined): string => (typeof v === 'number' ? (v * 100).toFixed(1) : '-');

function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The benchmark report as markdown: machine, versions, accuracy table, speed table. */
export function renderMarkdown(r: BenchResult): string {
  const accuracy = table(
    ['method', 'mode', 'pad', 'videos', 'AJ', '<δ^x_avg', 'OA', '<δ^1', '<δ^2', '<δ^4', '<δ^8', '<δ^16', 'time (s)'],
    r.accuracy.map((a) => [
      a.method,
      a.mode,
      a.padQueries,
      a.videos,
      pct(a.mean['average_jaccard']),
      pct(a.mean['average_pts_within_thresh']),
      pct(a.mean['occlusion_accuracy']),
      ...[1, 2, 4, 8, 16].map((d) => pct(a.mean[`pts_within_${d}`])),
      (a.ms / 1000).toFixed(1),
    ]),
  );
  const speed = table(
    ['configuration', 'backend', 'threads', 'model input', 'video', 'frames', 'N', 'encoder ms/frame', 'decoder ms/frame', 'decoder ms/window', 'fps', 'peak RSS (MB)'],
    r.speed.map((s) => [s['config']!, s['backend']!, s['threads']!, `${s['resolution']}²`, s['videoSize']!, s['frames']!, s['points']!, s['encoderMsPerFrame']!, s['decoderMsPerFrame']!, s['decoderMsPerWindow']!, s['fps']!, s['peakRssMB']!]),
  );
  const skipped = r.skipped.map((s) => `- ${s.backend}: skipped (${s.reason})`).join('\n');
  return `# taptr-js benchmark (${r.date})

Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGB} GB, ${r.machine.platform}; ${Object.entries(r.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; ${r.threads} threads. Times are wall clock on a possibly shared machine: compare rows of one run, not runs.

## Accuracy (taptr eval, ${r.dataset})

${accuracy}

## Speed

${speed}

${skipped}

Total ${(r.totalMs / 1000).toFixed(0)} s.
`;
}
