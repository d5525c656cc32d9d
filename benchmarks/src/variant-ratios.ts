// SPDX-License-Identifier: Apache-2.0
import type { SpeedCaseResult } from './speed-case.js';

/** One opt-in variant against the fp32 baseline of the same backend and configuration, in one run. */
export interface VariantRatio {
  readonly backend: string;
  readonly config: string;
  /** As `--variants` names it: `int8`, `fp32@320`. */
  readonly variant: string;
  readonly resolution: number;
  readonly baselineResolution: number;
  /** Graph bytes of the variant / of the baseline. */
  readonly sizeRatio: number;
  /** Encoder median ms per frame, and the baseline's / the variant's (> 1 = faster). */
  readonly encoderMs: number;
  readonly encoderSpeedup: number;
  /**
   * The encoder speed-up with each case's time divided by its own MatMul floor time (timed alternately
   * with its encoder, same floor shape in every case): cancels most of the load difference between the
   * two processes, which the raw ratio carries.
   */
  readonly encoderSpeedupFloorNormalized: number;
  /** Per end-to-end N run by both: ms per frame and the baseline's / the variant's. */
  readonly endToEnd: readonly { readonly points: number; readonly msPerFrame: number; readonly speedup: number }[];
  /** Per decoder N timed by both on the tracker's path: ms per window and the baseline's / the variant's. */
  readonly decoder: readonly { readonly points: number; readonly msPerWindow: number; readonly speedup: number }[];
}

/** Whether a case is a baseline (fp32 at the configuration's resolution; reports without `variant` are). */
const isBaseline = (s: SpeedCaseResult): boolean => s.variant === undefined || s.variant === 'fp32';

/**
 * The speed-up of every non-baseline case over the baseline case of the same backend and
 * configuration (`--variants`); cases without a baseline in the run are left out. Ratios of times
 * measured in different processes of one run: the load averages of both say how comparable they are.
 */
export function variantRatios(speed: readonly SpeedCaseResult[]): VariantRatio[] {
  const out: VariantRatio[] = [];
  for (const v of speed.filter((s) => !isBaseline(s))) {
    const base = speed.find((s) => isBaseline(s) && s.backend === v.backend && s.config === v.config);
    if (base === undefined) continue;
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    out.push({
      backend: v.backend,
      config: v.config,
      variant: v.variant,
      resolution: v.resolution,
      baselineResolution: base.resolution,
      sizeRatio: r3(v.graphBytes / base.graphBytes),
      encoderMs: v.encoder.msPerFrame.median,
      encoderSpeedup: r3(base.encoder.msPerFrame.median / v.encoder.msPerFrame.median),
      encoderSpeedupFloorNormalized: r3(base.encoder.msPerFrame.median / base.floor.ms.median / (v.encoder.msPerFrame.median / v.floor.ms.median)),
      endToEnd: v.endToEnd.flatMap((e) => {
        const b = base.endToEnd.find((x) => x.points === e.points);
        return b === undefined ? [] : [{ points: e.points, msPerFrame: e.msPerFrame, speedup: r3(b.msPerFrame / e.msPerFrame) }];
      }),
      decoder: v.decoder
        .filter((d) => d.trackerPath)
        .flatMap((d) => {
          const b = base.decoder.find((x) => x.points === d.points && x.trackerPath);
          return b === undefined ? [] : [{ points: d.points, msPerWindow: d.msPerWindow.median, speedup: r3(b.msPerWindow.median / d.msPerWindow.median) }];
        }),
    });
  }
  return out;
}
