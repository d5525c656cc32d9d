// SPDX-License-Identifier: Apache-2.0
import type { AccuracyRun } from './accuracy.js';
import type { LoadSample, MachineInfo } from './machine-info.js';
import type { SpeedCaseResult } from './speed-case.js';

/** A backend or case that produced no numbers, and why. */
export interface SkippedCase {
  readonly backend: string;
  readonly config?: string;
  readonly reason: string;
}

/** Everything one bench run wrote (the JSON file; the markdown is rendered from it). */
export interface BenchReport {
  /** Start time (ISO). */
  readonly date: string;
  readonly durationMs: number;
  /** The command line after the script name. */
  readonly argv: readonly string[];
  /** `git rev-parse HEAD` of the checkout, with `+dirty` when it had uncommitted changes. */
  readonly commit: string;
  readonly machine: MachineInfo;
  /** Load averages at the start, between the parts and at the end. */
  readonly load: readonly LoadSample[];
  readonly versions: Readonly<Record<string, string>>;
  readonly threads: number;
  readonly repetitions: number;
  readonly accuracy: {
    readonly dataset: string;
    readonly runs: readonly AccuracyRun[];
    readonly error?: string;
  } | null;
  readonly speed: readonly SpeedCaseResult[];
  readonly skipped: readonly SkippedCase[];
}

/** One issue-9 target with its measured value. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** `met`, `not met`, or `not measured` (with the reason in `measured`). */
  readonly status: 'met' | 'not met' | 'not measured';
}

const fmt = (v: number, d = 0): string => v.toFixed(d);

/**
 * The issue-9 targets (released configuration, cpu backend) against this run's numbers. A report,
 * not an assertion: the bench never fails on a time.
 */
export function issue9Targets(speed: readonly SpeedCaseResult[]): TargetCheck[] {
  const r = speed.find((s) => s.config === 'released' && s.backend === 'cpu');
  if (r === undefined) return [{ target: 'issue 9 targets (released configuration, cpu)', measured: 'the released configuration was not run on cpu', status: 'not measured' }];
  const status = (ok: boolean | undefined): TargetCheck['status'] => (ok === undefined ? 'not measured' : ok ? 'met' : 'not met');
  const enc = r.encoder.msPerFrame.median;
  const dec = (n: number) => r.decoder.find((d) => d.points === n);
  const e2e = (n: number) => r.endToEnd.find((e) => e.points === n);
  const d16 = dec(16);
  const d800 = dec(800);
  const e16 = e2e(16);
  const e800 = e2e(800);
  return [
    {
      target: `encoder per frame <= 1.4x its FLOP floor (${fmt(r.encoder.flops / 1e9, 1)} GFLOP at ${fmt(r.floor.gflops, 1)} GFLOP/s)`,
      measured: `${fmt(enc)} ms = ${fmt(r.encoder.floorMultiple, 2)}x the floor (${fmt(r.encoder.floorMs)} ms)`,
      status: status(r.encoder.floorMultiple <= 1.4),
    },
    {
      target: 'decoder per frame at N = 16 <= 10% of the encoder',
      measured: d16 ? `${fmt(d16.msPerFrame)} ms = ${fmt((100 * d16.msPerFrame) / enc, 1)}%` : 'N = 16 not run',
      status: status(d16 ? d16.msPerFrame <= 0.1 * enc : undefined),
    },
    {
      target: 'decoder per frame at N = 800 <= the encoder',
      measured: d800 ? `${fmt(d800.msPerFrame)} ms = ${fmt(d800.msPerFrame / enc, 2)}x` : 'N = 800 not run',
      status: status(d800 ? d800.msPerFrame <= enc : undefined),
    },
    {
      target: 'end to end at N = 16 <= ~1.4 s per frame (3.5x faster than the official ~5 s)',
      measured: e16 ? `${fmt(e16.msPerFrame)} ms per frame (${e16.frames} frames)` : 'N = 16 end to end not run',
      status: status(e16 ? e16.msPerFrame <= 1430 : undefined),
    },
    {
      target: 'peak RSS <= 1.5 GB at N = 800',
      measured: e800 ? `${e800.peakRssMB} MB during the N = 800 run (${e800.frames} frames); process maxRSS ${r.maxRssMB} MB` : 'N = 800 end to end not run',
      status: status(e800 ? e800.peakRssMB <= 1500 : undefined),
    },
    { target: 'a 600-frame video within 10% of a 300-frame one (RSS)', measured: 'not part of the default run (hours at this speed)', status: 'not measured' },
  ];
}
