// SPDX-License-Identifier: Apache-2.0
import { loadavg } from 'node:os';
import { createTracker } from '@taptr/tracker';
import type { FreshMemoryProbe } from './fresh-memory.js';
import { collectGarbage } from './memory-sampler.js';
import { caseMachineClass, memoryLabel, openCase, type SpeedCaseSpec } from './speed-case.js';
import { syntheticFrames, syntheticQueries } from './synthetic-video.js';

/** Points of the long-video runs (issue 15: a 600-frame video within 10% of a 300-frame one at N = 16). */
export const LONG_VIDEO_POINTS = 16;

/** The state of a long-video run when its encoder had read a given number of frames. */
export interface LongVideoCheckpoint {
  /** Frames encoded. */
  readonly frames: number;
  /** Wall time since `tracker.track` started (ms). */
  readonly elapsedMs: number;
  /** elapsedMs / frames. */
  readonly msPerFrame: number;
  /** RSS at that moment (MB = 10^6 bytes). */
  readonly rssMB: number;
  /** Largest RSS sampled (every 25 ms) since the run started, and the process maxRSS when it rose during the run. */
  readonly peakRssMB: number;
  /**
   * Time inside the graphs so far (encoder, query init, decoder; ms): elapsedMs minus this is the
   * tracker's own work (preprocessing, bookkeeping), the part that would grow with the video's length.
   */
  readonly graphMs: number;
  /**
   * Process CPU time so far (user + system, all threads; ms): on a machine shared with other work the
   * wall time is mostly waiting for a core, the CPU time much less so (a load-robust cross-check).
   */
  readonly cpuMs?: number;
}

/** One streamed video of `frames` frames through `tracker.track` (released configuration, cpu, fp32, the default memory mode). */
export interface LongVideoResult {
  readonly backend: string;
  readonly config: string;
  readonly resolution: number;
  readonly threads: number;
  readonly memory: string;
  readonly points: number;
  readonly frames: number;
  readonly windows: number;
  readonly totalMs: number;
  readonly msPerFrame: number;
  /** Time inside G1 per frame. */
  readonly encoderMsPerFrame: number;
  /** Time inside G3 per window. */
  readonly decoderMsPerWindow: number;
  /** Time outside the graphs per frame (the tracker's own work: preprocessing, bookkeeping). */
  readonly otherMsPerFrame: number;
  /** Process CPU time per frame (user + system, all threads). */
  readonly cpuMsPerFrame?: number;
  /** Peak RSS during the run (MB): the largest 25 ms sample, or the process maxRSS when it rose during the run. */
  readonly peakRssMB: number;
  /** The run at the shorter lengths asked for (in the same process: the load-robust comparison) and every 50 frames. */
  readonly checkpoints: readonly LongVideoCheckpoint[];
  /** 1-minute load average at the start and the end of the run. */
  readonly load: { readonly start: number; readonly end: number };
  readonly freshMemory: FreshMemoryProbe;
  readonly machineClass: string;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const mb = (bytes: number): number => Math.round(bytes / 1e6);
const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;

/**
 * Tracks a synthetic video of `spec.frames` frames, generated one frame at a time (only the frame
 * being read exists, so the memory is the tracker's), at N = `spec.endToEndPoints[0]` after the case's
 * warm-up; records the run's time, its encoder / decoder split, its peak RSS, and a checkpoint (time and
 * RSS so far) whenever the encoder has read a multiple of 50 frames or one of `checkpointFrames`
 * (e.g. 300 in a 600-frame run: both lengths in one process, under the same load).
 */
export async function runLongVideoCase(
  spec: SpeedCaseSpec,
  checkpointFrames: readonly number[],
  log: (message: string) => void = () => undefined,
): Promise<LongVideoResult> {
  const c = await openCase(spec, log);
  const runner = c.timed.proxy;
  const R = c.config.resolution;
  const n = spec.endToEndPoints[0] ?? LONG_VIDEO_POINTS;
  const F = spec.frames;
  const tracker = await createTracker({ runner });
  try {
    // The tracker's window at N warmed up (onnxruntime plans per shape) by a short run first.
    await tracker.track(syntheticFrames(12, R), syntheticQueries(n, R), { frameCount: 12 });
    collectGarbage();
    c.timed.reset();
    log(`${c.name} on ${c.runtime.name}: long video, ${F} frames ${R}x${R} streamed, N = ${n}`);
    const maxRss = (): number => process.resourceUsage().maxRSS * 1024;
    const maxBefore = maxRss();
    let peak = process.memoryUsage.rss();
    const sample = (): number => {
      const rss = process.memoryUsage.rss();
      peak = Math.max(peak, rss);
      return rss;
    };
    const timer = setInterval(sample, 25);
    const peakSoFar = (): number => (maxRss() > maxBefore ? Math.max(peak, maxRss()) : peak);
    const checkpoints: LongVideoCheckpoint[] = [];
    const wanted = new Set(checkpointFrames.filter((x) => x < F));
    const loadStart = load1();
    const cpuStart = process.cpuUsage();
    const cpuMs = (): number => {
      const used = process.cpuUsage(cpuStart);
      return (used.user + used.system) / 1000;
    };
    const start = performance.now();
    let lastLog = start;
    try {
      await tracker.track(syntheticFrames(F, R), syntheticQueries(n, R), {
        frameCount: F,
        onProgress: (p) => {
          if (checkpoints.length > 0 && checkpoints[checkpoints.length - 1]!.frames === p.framesEncoded) return;
          if (p.framesEncoded % 50 !== 0 && !wanted.has(p.framesEncoded)) return;
          const now = performance.now();
          const rss = sample();
          const graphMs = c.timed.ms('encodeFrames') + c.timed.ms('initQueries') + c.timed.ms('decodeWindow');
          checkpoints.push({
            frames: p.framesEncoded,
            elapsedMs: Math.round(now - start),
            msPerFrame: round1((now - start) / p.framesEncoded),
            rssMB: mb(rss),
            peakRssMB: mb(peakSoFar()),
            graphMs: Math.round(graphMs),
            cpuMs: Math.round(cpuMs()),
          });
          if (now - lastLog > 60_000) {
            lastLog = now;
            log(`  ${p.framesEncoded}/${F} frames, ${Math.round((now - start) / 1000)} s, RSS ${mb(rss)} MB`);
          }
        },
      });
    } finally {
      clearInterval(timer);
    }
    const totalMs = performance.now() - start;
    const totalCpuMs = cpuMs();
    sample();
    const windows = c.timed.calls('decodeWindow');
    return {
      backend: spec.backend,
      config: spec.config,
      resolution: R,
      threads: c.opened.threads,
      memory: memoryLabel(spec),
      points: n,
      frames: F,
      windows,
      totalMs: Math.round(totalMs),
      msPerFrame: round1(totalMs / F),
      encoderMsPerFrame: round1(c.timed.ms('encodeFrames') / F),
      decoderMsPerWindow: round1(c.timed.ms('decodeWindow') / Math.max(1, windows)),
      cpuMsPerFrame: round1(totalCpuMs / F),
      otherMsPerFrame: round1((totalMs - c.timed.ms('encodeFrames') - c.timed.ms('initQueries') - c.timed.ms('decodeWindow')) / F),
      peakRssMB: mb(peakSoFar()),
      checkpoints,
      load: { start: loadStart, end: load1() },
      ...caseMachineClass(),
    };
  } finally {
    await tracker.release();
  }
}
