// SPDX-License-Identifier: Apache-2.0
import type { AccuracyRun } from './accuracy.js';
import type { LoadSample, MachineInfo } from './machine-info.js';
import type { SpeedCaseResult } from './speed-case.js';
import type { VariantRatio } from './variant-ratios.js';

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
  /** Every opt-in variant (`--variants`) against the fp32 baseline of its backend and configuration. */
  readonly variantRatios: readonly VariantRatio[];
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
  const r = speed.find((s) => s.config === 'released' && s.backend === 'cpu' && (s.variant === undefined || s.variant === 'fp32'));
  if (r === undefined) return [{ target: 'issue 9 targets (released configuration, cpu)', measured: 'the released configuration was not run on cpu', status: 'not measured' }];
  const status = (ok: boolean | undefined): TargetCheck['status'] => (ok === undefined ? 'not measured' : ok ? 'met' : 'not met');
  const enc = r.encoder.msPerFrame.median;
  // The decoder row the tracker's own choice of path gives at N (not a --compare-points row).
  const dec = (n: number) => r.decoder.find((d) => d.points === n && d.trackerPath);
  const e2e = (n: number) => r.endToEnd.find((e) => e.points === n);
  const e16 = e2e(16);
  const e800 = e2e(800);
  // Decoder vs encoder: preferably both from one end-to-end run (interleaved, so the same machine
  // load), with the decoder at its steady-state cost per frame (per window / 4); else the medians.
  const decoderTarget = (n: number, limit: number, limitText: string): TargetCheck => {
    const e = e2e(n);
    const d = dec(n);
    const parts: string[] = [];
    let ratio: number | undefined;
    if (e !== undefined && e.windows > 0) {
      ratio = e.decoderMsPerWindow / 4 / e.encoderMsPerFrame;
      parts.push(`end to end (${e.decoderPath}): ${fmt(e.decoderMsPerWindow / 4)} ms per frame (window / 4) = ${fmt(100 * ratio, 1)}% of the encoder's ${fmt(e.encoderMsPerFrame)} ms in the same run`);
    }
    if (d !== undefined) {
      ratio ??= d.msPerFrame / enc;
      parts.push(`medians (${d.path}): ${fmt(d.msPerFrame)} ms = ${fmt((100 * d.msPerFrame) / enc, 1)}% of ${fmt(enc)} ms`);
    }
    return {
      target: `decoder per frame at N = ${n} <= ${limitText}`,
      measured: parts.length > 0 ? parts.join('; ') : `N = ${n} not run`,
      status: status(ratio === undefined ? undefined : ratio <= limit),
    };
  };
  return [
    {
      target: `encoder per frame <= 1.4x its FLOP floor (${fmt(r.encoder.flops / 1e9, 1)} GFLOP at ${fmt(r.floor.gflops, 1)} GFLOP/s)`,
      measured: `${fmt(enc)} ms = ${fmt(r.encoder.floorMultiple, 2)}x the floor (${fmt(r.encoder.floorMs)} ms), measured alternately`,
      status: status(r.encoder.floorMultiple <= 1.4),
    },
    decoderTarget(16, 0.1, '10% of the encoder'),
    decoderTarget(800, 1, 'the encoder'),
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
