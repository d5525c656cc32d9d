// SPDX-License-Identifier: Apache-2.0
import { type BenchReport, issue15Targets, issue9Targets, memoryModeRows } from './bench-report.js';
import { fixed, markdownTable, ms, percent } from './markdown-table.js';
import type { DecoderResult, SpeedCaseResult } from './speed-case.js';
import type { InterleavedResult } from './interleaved-variants.js';
import type { LongVideoResult } from './long-video-case.js';
import type { VariantRatio } from './variant-ratios.js';

/** `released 512²`, `released 320² int8`: the configuration, the resolution, and a precision other than fp32. */
const caseName = (s: SpeedCaseResult): string => `${s.config} ${s.resolution}²${s.precision !== undefined && s.precision !== 'fp32' ? ` ${s.precision}` : ''}`;
const range = (st: { median: number; min: number; max: number; n: number }): string => (st.n > 1 ? `${ms(st.min)}–${ms(st.max)}` : '-');

function accuracySection(r: BenchReport): string {
  const acc = r.accuracy;
  if (acc === null) return '';
  const head = `## Accuracy (\`taptr eval\`, official TAPTR protocol: 256x256, x (W-1) scale, strided = bidirectional)\n\nDataset: \`${acc.dataset}\`\n\n`;
  if (acc.error !== undefined) return `${head}Failed: ${acc.error}\n`;
  const rows = acc.runs.flatMap((run) => [
    ...run.videos.map((v) => [
      run.method,
      run.mode,
      run.padQueries,
      v.name,
      v.frames,
      v.queries,
      percent(v.metrics['average_jaccard']),
      percent(v.metrics['average_pts_within_thresh']),
      percent(v.metrics['occlusion_accuracy']),
    ]),
    [
      run.method,
      run.mode,
      run.padQueries,
      `**mean (${run.videos.length})**`,
      '',
      run.videos.reduce((s, v) => s + v.queries, 0),
      `**${percent(run.mean['average_jaccard'])}**`,
      `**${percent(run.mean['average_pts_within_thresh'])}**`,
      `**${percent(run.mean['occlusion_accuracy'])}**`,
    ],
  ]);
  const table = markdownTable(['method', 'mode', 'pad', 'video', 'frames', 'queries', 'AJ', '<δ^x_avg', 'OA'], rows, [
    'l',
    'l',
    'r',
    'l',
    'r',
    'r',
    'r',
    'r',
    'r',
  ]);
  const times = acc.runs.map((run) => `${run.method} ${run.mode} ${fixed(run.ms / 1000)} s`).join(', ');
  return `${head}${table}\n\nMetrics in %. Evaluation time: ${times}. The reference model has random weights: its numbers prove the pipeline, not tracking quality.\n`;
}

function speedSection(r: BenchReport): string {
  if (r.speed.length === 0) return r.skipped.length > 0 ? `## Speed\n\n${skippedList(r)}\n` : '';
  const encoder = markdownTable(
    [
      'backend',
      'threads',
      'configuration',
      'encoder ms/frame',
      'min–max',
      'GFLOP/frame',
      'MatMul',
      'MatMul GFLOP/s',
      'floor ms/frame',
      'encoder ÷ floor',
      'graphs + sessions s',
    ],
    r.speed.map((s) => [
      s.backend,
      s.threads,
      caseName(s),
      ms(s.encoder.msPerFrame.median),
      range(s.encoder.msPerFrame),
      fixed(s.encoder.flops / 1e9, 2),
      `[${s.floor.m},${s.floor.k}]x[${s.floor.k},${s.floor.n}]`,
      fixed(s.floor.gflops, 1),
      ms(s.encoder.floorMs),
      fixed(s.encoder.floorMultiple, 2),
      `${fixed(s.buildMs / 1000)} + ${fixed(s.sessionMs / 1000)}`,
    ]),
    ['l', 'r', 'l', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'r'],
  );
  const decoder = markdownTable(
    ['backend', 'configuration', 'N', 'decoder path', 'ms/window', 'min–max', 'decoder ms/frame', '% of encoder'],
    r.speed.flatMap((s) =>
      s.decoder.map((d) => [
        s.backend,
        caseName(s),
        d.points,
        decoderPathLabel(d),
        ms(d.msPerWindow.median),
        range(d.msPerWindow),
        ms(d.msPerFrame),
        fixed((100 * d.msPerFrame) / s.encoder.msPerFrame.median, 1),
      ]),
    ),
    ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r'],
  );
  const ratios = r.speed.flatMap((s) => pathRatios(s).map((line) => `- ${s.backend} / ${caseName(s)}: ${line}`));
  const e2e = markdownTable(
    [
      'backend',
      'configuration',
      'memory',
      'N',
      'decoder path',
      'frames',
      'windows',
      'ms/frame',
      'fps',
      'encoder',
      'decoder',
      'decoder / window',
      'query init ms',
      'other',
      'peak RSS MB',
    ],
    r.speed.flatMap((s) =>
      s.endToEnd.map((e) => [
        s.backend,
        caseName(s),
        s.memory,
        e.points,
        e.decoderPath,
        e.frames,
        e.windows,
        ms(e.msPerFrame),
        fixed(e.fps, 3),
        ms(e.encoderMsPerFrame),
        ms(e.decoderMsPerFrame),
        ms(e.decoderMsPerWindow),
        ms(e.queryInitMs),
        ms(e.otherMsPerFrame),
        e.peakRssMB,
      ]),
    ),
    ['l', 'l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  const variants = variantSection(r.variantRatios ?? []) + interleavedSection(r.interleaved ?? []);
  const longVideo = longVideoSection(r.longVideo ?? []);
  const notes = r.speed.filter((s) => s.note !== undefined).map((s) => `- ${s.backend}: ${s.note}`);
  const loads = r.speed.map(
    (s) =>
      `- ${s.backend} / ${caseName(s)}: ${Object.entries(s.load)
        .map(([phase, l]) => `${phase} ${fixed(l, 1)}`)
        .join(', ')}`,
  );
  const targets = markdownTable(
    ['issue-9 target (released, cpu, fp32)', 'measured', 'status'],
    issue9Targets(r.speed, r.longVideo).map((t) => [t.target, t.measured, t.status]),
    ['l', 'l', 'l'],
  );
  const targets15 = markdownTable(
    ['issue-15 target (released, cpu, fp32, default memory mode)', 'measured', 'status'],
    issue15Targets(r).map((t) => [t.target, t.measured, t.status]),
    ['l', 'l', 'l'],
  );
  const modes = memoryModeSection(r);
  const classes = [...new Set([...r.speed.map((s) => s.machineClass), ...(r.memoryModes ?? []).map((m) => m.machineClass)])];
  return `## Speed

Machine class of these figures (per case process): ${classes.join('; ') || '-'}.

Medians of ${r.repetitions} timed run(s) per figure, after warm-up (one untimed encoder run and one untimed decoder window at each N before its first timed use); wall clock. Each backend x configuration (x variant, \`--variants\`) runs in its own process (its own peak RSS).

### Encoder (G1: backbone + input projections + encoder, one frame) and the MatMul floor

${encoder}

FLOPs are analytic (spec §14.2; 2 x multiply-adds). The floor is the MatMul kernel above (the encoder FFN's first Linear at 512x512; 1/16 of its rows on WebGPU), its product kept inside the session (only its first row is output, so no [m, n] copy into fresh JS memory is timed), on the same backend, threads and memory mode, in the same process, timed alternately with the encoder (the same machine load for both); "encoder ÷ floor" = encoder time / (FLOPs / that rate).

### Decoder (G3: one window of 8 frames, every point tracked and updated)

${decoder}

Per frame = per window / 4: windows have stride 4, so every frame is in two windows. Decoder path: the G3 build
that \`tracker.track\` uses at that N (\`sample-first\` for N <= ${r.speed[0]!.sampleFirstMaxPoints}, else \`project-first\`); rows marked
"comparison" time the other build at the same N (\`--compare-points\`).
${ratios.length > 0 ? `\n${ratios.join('\n')}\n` : ''}
### End to end (\`tracker.track\`, synthetic video at the model resolution, queries on frame 0, forward)

${e2e}

Per-frame columns are ms per frame: encoder / decoder = time inside G1 / G3 during the run (decoder / window: per window; / 4 = its steady-state cost per frame), other = preprocessing and bookkeeping. Peak RSS sampled during the run (MB = 10^6 bytes). Short videos have fewer windows per frame than the steady state (T/4).
${modes}${variants}${longVideo}
### Issue 15 targets

${targets15}

### Issue 9 targets

${targets}

1-minute load average at the end of each phase (${r.machine.cores} cores):
${loads.join('\n')}
${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}${r.skipped.length > 0 ? `\n${skippedList(r)}\n` : ''}`;
}

/** The `--memory-modes` table: every CPU memory mode's end-to-end runs side by side (empty without other modes). */
function memoryModeSection(r: BenchReport): string {
  const rows = memoryModeRows(r);
  if (!rows.some((x) => !x.isDefault)) return '';
  const table = markdownTable(
    ['configuration', 'N', 'memory mode', 'ms/frame', 'vs the fastest mode', 'peak RSS MB', 'machine class'],
    rows.map((x) => [
      x.config,
      x.points,
      x.isDefault ? `${x.memory} (default)` : x.memory,
      ms(x.msPerFrame),
      `${fixed(x.vsBest, 2)}x`,
      x.peakRssMB,
      x.machineClass,
    ]),
    ['l', 'r', 'l', 'r', 'r', 'r', 'l'],
  );
  return `
### CPU memory modes side by side (\`--memory-modes\`, end to end, cpu, fp32)

${table}

\`balanced\` (the default): onnxruntime's arena without the memory pattern; \`fast\`: arena and memory pattern; \`low\`: no arena (every intermediate is fresh memory on every run). Each mode runs the same work in a process of its own (its own peak RSS); on a machine with expensive fresh memory \`low\` pays for every intermediate on every run.
`;
}

/** The `--variants` table: each opt-in variant's speed-up over fp32 (empty without variants). */
function variantSection(ratios: readonly VariantRatio[]): string {
  if (ratios.length === 0) return '';
  const x = (v: number): string => `${fixed(v, 2)}x`;
  const table = markdownTable(
    [
      'backend',
      'configuration',
      'variant',
      'resolution',
      'graph size vs fp32',
      'encoder ms/frame',
      'encoder speed-up',
      'encoder speed-up, floor-normalized',
      'end to end speed-up',
      'decoder speed-up (tracker path)',
    ],
    ratios.map((v) => [
      v.backend,
      v.config,
      v.variant,
      v.resolution === v.baselineResolution ? `${v.resolution}` : `${v.resolution} (fp32: ${v.baselineResolution})`,
      x(v.sizeRatio),
      ms(v.encoderMs),
      x(v.encoderSpeedup),
      v.encoderSpeedupFloorNormalized !== undefined ? x(v.encoderSpeedupFloorNormalized) : '-',
      v.endToEnd.map((e) => `N = ${e.points}: ${x(e.speedup)}`).join(', ') || '-',
      v.decoder.map((d) => `N = ${d.points}: ${x(d.speedup)}`).join(', ') || '-',
    ]),
    ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
  );
  return `
### Variants vs fp32 (\`--variants\`)

${table}

Speed-up = fp32's time / the variant's (> 1 = faster), each variant against the fp32 case of the same backend and configuration in this run (same N and frames, separate processes: compare their load averages below). Floor-normalized: each encoder time divided by its own process's MatMul floor time (timed alternately with it), which cancels most of the load difference between the processes; the end-to-end and decoder ratios carry it. Accuracy of the variants: \`@taptr/model\` README.
`;
}

/** The variants timed against fp32 alternately in one process (empty without them). */
function interleavedSection(pairs: readonly InterleavedResult[]): string {
  if (pairs.length === 0) return '';
  const x = (v: number): string => `${fixed(v, 2)}x`;
  const table = markdownTable(
    ['backend', 'configuration', 'variant', 'what', 'fp32 ms', 'variant ms', 'speed-up (median of pairs)', 'CPU-time speed-up', 'load', 'machine class'],
    pairs.flatMap((p) => [
      ...p.endToEnd.map((e) => [
        p.backend,
        p.config,
        p.label,
        `end to end, N = ${e.points}, ${p.frames} frames (per frame)`,
        ms(e.baselineMs.median),
        ms(e.variantMs.median),
        x(e.speedup),
        e.cpuSpeedup !== undefined ? x(e.cpuSpeedup) : '-',
        `${fixed(p.load.start, 1)}-${fixed(p.load.end, 1)}`,
        p.machineClass,
      ]),
      [
        p.backend,
        p.config,
        p.label,
        'encoder, one frame',
        ms(p.encoder.baselineMs.median),
        ms(p.encoder.variantMs.median),
        x(p.encoder.speedup),
        p.encoder.cpuSpeedup !== undefined ? x(p.encoder.cpuSpeedup) : '-',
        `${fixed(p.load.start, 1)}-${fixed(p.load.end, 1)}`,
        p.machineClass,
      ],
    ]),
    ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
  return `
### Variants vs fp32, alternately in one process (cpu)

${table}

Both models' sessions live in one process; the same video is tracked (and one frame encoded) by fp32 and the variant in turn (ABBA order), and the speed-up is the median of the pairs' ratios: unlike the table above it carries no load difference between processes. CPU-time speed-up: the same from each run's process CPU time (user + system, all threads), which waiting for a core on a loaded machine hardly changes (onnxruntime's spinning threads add some): the load-robust cross-check.
`;
}

/** The `--long-video` runs: one streamed video per process, with its checkpoints (empty without them). */
function longVideoSection(runs: readonly LongVideoResult[]): string {
  if (runs.length === 0) return '';
  const table = markdownTable(
    [
      'configuration',
      'N',
      'frames',
      'windows',
      'ms/frame',
      'encoder',
      'decoder / window',
      'other',
      'CPU ms/frame',
      'peak RSS MB',
      'RSS MB every 50 frames',
      'load',
      'machine class',
    ],
    runs.map((v) => [
      `${v.config} ${v.resolution}²`,
      v.points,
      v.frames,
      v.windows,
      ms(v.msPerFrame),
      ms(v.encoderMsPerFrame),
      ms(v.decoderMsPerWindow),
      fixed(v.otherMsPerFrame, 1),
      v.cpuMsPerFrame !== undefined ? ms(v.cpuMsPerFrame) : '-',
      v.peakRssMB,
      v.checkpoints
        .filter((c) => c.frames % 50 === 0)
        .map((c) => c.rssMB)
        .join(' '),
      `${fixed(v.load.start, 1)}-${fixed(v.load.end, 1)}`,
      v.machineClass,
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'l'],
  );
  const inRun = runs.flatMap((v) =>
    v.checkpoints
      .filter((c) => c.frames < v.frames && runs.some((o) => o.config === v.config && o.frames === c.frames))
      .map(
        (c) =>
          `- ${v.config}, ${v.frames}-frame run at frame ${c.frames}: ${ms(c.msPerFrame)} ms/frame so far (the rest: ${ms((v.totalMs - c.elapsedMs) / (v.frames - c.frames))}), peak RSS ${c.peakRssMB} MB so far (${v.peakRssMB} MB at the end)`,
      ),
  );
  return `
### Long video (\`--long-video\`, cpu, fp32, default memory mode, streamed synthetic video, queries on frame 0)

${table}
${inRun.length > 0 ? `\n${inRun.join('\n')}\n` : ''}
Each length is tracked in a process of its own (its own peak RSS) after a 12-frame warm-up run; the frames are generated one at a time, so the memory is the tracker's. Per-frame columns are ms per frame (decoder: per window; other = outside the graphs: the tracker's own work, the part that would grow with the length; CPU = the process CPU time, user + system of all threads, which waiting for a core on a loaded machine hardly changes); RSS in MB = 10^6 bytes.
`;
}

/** A decoder row's path, marked when the tracker does not use it at that N. */
function decoderPathLabel(d: DecoderResult): string {
  return d.trackerPath ? d.path : `${d.path} (comparison)`;
}

/** "N = 16: sample-first 300 ms vs project-first 1200 ms per window (project-first / sample-first = 4.0x)" for every N timed on both paths. */
export function pathRatios(s: SpeedCaseResult): string[] {
  const lines: string[] = [];
  for (const fast of s.decoder.filter((d) => d.path === 'sample-first')) {
    const slow = s.decoder.find((d) => d.points === fast.points && d.path === 'project-first');
    if (slow === undefined) continue;
    const ratio = slow.msPerWindow.median / fast.msPerWindow.median;
    lines.push(
      `N = ${fast.points}: sample-first ${ms(fast.msPerWindow.median)} ms vs project-first ${ms(slow.msPerWindow.median)} ms per window (project-first / sample-first = ${fixed(ratio, 1)}x)`,
    );
  }
  return lines;
}

function skippedList(r: BenchReport): string {
  return r.skipped.map((s) => `- not measured: ${s.backend}${s.config !== undefined ? ` / ${s.config}` : ''}: ${s.reason}`).join('\n');
}

/** The bench report as markdown: machine and load, accuracy table, speed tables, issue-9 targets. */
export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const load = r.load.map((l) => l.loadAverage.join(' / ')).join(' → ');
  const versions = Object.entries(r.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `# taptr-js bench, ${r.date}

- Machine: ${m.cpu}, ${m.cores} logical cores (${m.cpuFlags.join(', ') || 'flags unknown'}), ${m.memoryGB} GB, ${m.platform}
- Machine class: **${r.machineClass ?? '-'}**${r.freshMemory !== undefined ? `; first touch of ${r.freshMemory.megabytes} MB (\`new Float32Array\` + \`set\`) ${r.freshMemory.firstTouchMs} ms, rewriting it ${r.freshMemory.rewriteMs} ms` : ''}
- Load average (1 / 5 / 15 min) at start → … → end: ${load}. The machine is shared: with a load above its ${m.cores} cores, times are inflated; compare rows of one run, not runs.
- Versions: ${versions}; commit ${r.commit}
- Threads per session: ${r.threads}; command: \`bench ${r.argv.join(' ')}\`; total ${fixed(r.durationMs / 1000, 0)} s

${accuracySection(r)}
${speedSection(r)}`;
}
