// SPDX-License-Identifier: Apache-2.0
import { loadavg } from 'node:os';
import { memoryTokens } from '@taptr/model';
import { createTracker, type Tracker } from '@taptr/tracker';
import { BASELINE_VARIANT, variantLabel } from './bench-variant.js';
import { collectGarbage } from './memory-sampler.js';
import { type SampleStats, sampleStats } from './sample-stats.js';
import { caseMachineClass, type OpenedCase, openCase, type SpeedCaseSpec, syntheticImage } from './speed-case.js';
import { syntheticQueries, syntheticVideo } from './synthetic-video.js';

/** The baseline's time / the variant's over alternating pairs (> 1 = the variant is faster). */
export interface InterleavedRatio {
  /** The baseline's times (ms; per frame for end-to-end runs). */
  readonly baselineMs: SampleStats;
  /** The variant's times, each measured right after or before one of the baseline's. */
  readonly variantMs: SampleStats;
  /** Median over the pairs of baseline / variant: each pair saw nearly the same machine load. */
  readonly speedup: number;
  /**
   * Median over the pairs of the baseline's / the variant's process CPU time (user + system, all
   * threads): on a machine shared with other work a run's wall time is mostly waiting for a core, its
   * CPU time much less so (onnxruntime's spinning threads add some). A load-robust cross-check.
   */
  readonly cpuSpeedup?: number;
}

/** The baseline (fp32) and one variant timed alternately in one process (`--variants`, cpu). */
export interface InterleavedResult {
  readonly backend: string;
  readonly config: string;
  /** As `--variants` names it. */
  readonly variant: string;
  /** e.g. `u8s8 weights for this CPU` (the variant's label beyond its name). */
  readonly label: string;
  readonly threads: number;
  readonly frames: number;
  /** `tracker.track` of the same synthetic video, ms per frame, per N. */
  readonly endToEnd: readonly (InterleavedRatio & { readonly points: number })[];
  /** G1 on one frame, ms. */
  readonly encoder: InterleavedRatio;
  readonly load: { readonly start: number; readonly end: number };
  readonly machineClass: string;
}

const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;

/** Wall and process CPU time (user + system, ms) of one task. */
interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** Times `a` and `b` in pairs, alternating which goes first (ABBA...), `repetitions` pairs. */
async function pairs(a: () => Promise<Timing>, b: () => Promise<Timing>, repetitions: number): Promise<InterleavedRatio> {
  const ta: Timing[] = [];
  const tb: Timing[] = [];
  for (let i = 0; i < repetitions; i++) {
    if (i % 2 === 0) {
      ta.push(await a());
      tb.push(await b());
    } else {
      tb.push(await b());
      ta.push(await a());
    }
  }
  return {
    baselineMs: sampleStats(ta.map((x) => x.wall)),
    variantMs: sampleStats(tb.map((x) => x.wall)),
    speedup: sampleStats(ta.map((x, i) => x.wall / tb[i]!.wall)).median,
    cpuSpeedup: sampleStats(ta.map((x, i) => x.cpu / tb[i]!.cpu)).median,
  };
}

const timed = async (task: () => Promise<unknown>, per = 1): Promise<Timing> => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await task();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall: wall / per, cpu: (used.user + used.system) / 1000 / per };
};

/**
 * Opens the baseline (fp32 at the configuration's resolution) and `spec.variant` in this process (each
 * with its own sessions, both warm), then tracks the same synthetic video with each alternately,
 * `spec.repetitions` pairs per N of `spec.endToEndPoints`, and times G1 on one frame the same way:
 * the ratio of two separate processes carries the difference of their machine loads (on a shared
 * 2-core machine easily 2x), the ratio of adjacent runs in one process does not.
 */
export async function runInterleavedCase(spec: SpeedCaseSpec, log: (message: string) => void = () => undefined): Promise<InterleavedResult> {
  const loadStart = load1();
  const opened: OpenedCase[] = [];
  const trackers: Tracker[] = [];
  try {
    for (const variant of [BASELINE_VARIANT, spec.variant ?? BASELINE_VARIANT]) {
      const c = await openCase({ ...spec, variant }, log);
      opened.push(c);
      trackers.push(await createTracker({ runner: c.timed.proxy }));
    }
    const [base, other] = opened as [OpenedCase, OpenedCase];
    const R = base.config.resolution;
    if (other.config.resolution !== R)
      throw new Error(
        `interleaved: ${variantLabel(other.variant)} has another resolution (${other.config.resolution}) than fp32 (${R}); compare it in separate processes`,
      );
    const video = syntheticVideo(spec.frames, R);
    const endToEnd: (InterleavedRatio & { points: number })[] = [];
    for (const n of [...spec.endToEndPoints].sort((a, b) => a - b)) {
      const queries = syntheticQueries(n, R);
      // One untimed run each at this N (onnxruntime plans per shape; the decoder sessions are created lazily).
      for (const t of trackers) await t.track(video, queries);
      collectGarbage();
      log(`interleaved fp32 / ${variantLabel(other.variant)}: end to end, ${spec.frames} frames, N = ${n}, ${spec.repetitions} pairs`);
      const track = (t: Tracker) => () => timed(() => t.track(video, queries), spec.frames);
      endToEnd.push({ points: n, ...(await pairs(track(trackers[0]!), track(trackers[1]!), spec.repetitions)) });
    }
    const image = syntheticImage(R);
    const memory = new Float32Array(memoryTokens(base.config) * base.config.hiddenDim); // [1, S, C], written in place
    const encode = (c: OpenedCase) => () => timed(() => c.timed.proxy.encodeFrames(image, 1, memory));
    await encode(base)();
    await encode(other)();
    log(`interleaved fp32 / ${variantLabel(other.variant)}: encoder, ${spec.repetitions} pairs`);
    const encoder = await pairs(encode(base), encode(other), spec.repetitions);
    return {
      backend: spec.backend,
      config: spec.config,
      variant: variantLabel(other.variant),
      label: other.label.slice(other.label.lastIndexOf(', ') + 2),
      threads: base.opened.threads,
      frames: spec.frames,
      endToEnd,
      encoder,
      load: { start: loadStart, end: load1() },
      machineClass: caseMachineClass().machineClass,
    };
  } finally {
    for (const t of trackers) await t.release();
  }
}
