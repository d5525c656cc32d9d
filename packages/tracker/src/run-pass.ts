// SPDX-License-Identifier: Apache-2.0
import { invalidArgument } from '@taptr/tensor';
import { createForwardPass, type PassPoint, type PassProgress, type WindowReport } from './forward-pass.js';
import type { MemoryRing } from './memory-ring.js';
import { createFramePreprocessor, type FramePreprocessor } from './preprocess.js';
import type { MemoryView, TaptrGraphRunner } from './graph-runner.js';
import type { RawFrame } from './video-input.js';

/** States of the first `count` points over a whole video, point-major. @internal */
export interface PassStates {
  readonly frameCount: number;
  readonly width: number;
  readonly height: number;
  /** `[count, T, 4]` LOC (logit space). */
  readonly loc: Float32Array;
  /** `[count, T, 3]` VIS logits. */
  readonly vis: Float32Array;
}

/** {@link PassStates} plus what a following reversed pass can reuse. @internal */
export interface PassRun extends PassStates {
  /** Encoder memories left in the pass's ring at the end (frame -> `[S, C]` view). */
  readonly leftover: Map<number, MemoryView>;
}

/** @internal */
export interface RunPassOptions {
  readonly fn: string;
  readonly graphs: TaptrGraphRunner;
  readonly frames: AsyncIterable<RawFrame>;
  readonly frameCount: number | undefined;
  /** Builds the points once the frame size is known (ids 0..count-1 are the reported ones). */
  readonly points: (width: number, height: number) => PassPoint[];
  /** Number of reported points (ids 0..count-1). */
  readonly count: number;
  readonly onWindow?: ((report: WindowReport) => void) | undefined;
  readonly onProgress?: ((progress: PassProgress) => void) | undefined;
  /**
   * Called with each frame's final state (the first `count` points: LOC `[count, 4]`, VIS logits
   * `[count, 3]`) as soon as no later window can change it, in frame order, with the frame size.
   */
  readonly onFinalFrame?: ((frame: number, loc: Float32Array, vis: Float32Array, width: number, height: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Where the pass keeps its encoder memories (see the forward pass's `ring` option); default: a ring of its own. */
  readonly ring?: MemoryRing | undefined;
  /** Encoder memories already computed for some frames of this pass (frame -> `[S, C]`), used instead of encoding (and removed from the map once used). */
  readonly reuse?: Map<number, MemoryView> | undefined;
}

/** Frame-size check shared by offline and online tracking. @internal */
export function checkFrameSize(fn: string, t: number, frame: RawFrame, width: number, height: number): void {
  if (frame.width !== width || frame.height !== height) {
    throw invalidArgument('range', fn, `video frame ${t}`, `${width}x${height} like frame 0`, `${frame.width}x${frame.height}`);
  }
}

/** Runs one forward pass (spec §9) over `frames`, streaming. @internal */
export async function runPass(options: RunPassOptions): Promise<PassRun> {
  const { fn, graphs, count, signal } = options;
  const locRows: Float32Array[] = [];
  const visRows: Float32Array[] = [];
  const pass = createForwardPass({
    graphs,
    frameCount: options.frameCount,
    onWindow: options.onWindow,
    onProgress: options.onProgress,
    signal,
    ring: options.ring,
    onFrame: (out) => {
      locRows[out.frame] = out.loc.slice(0, count * 4);
      visRows[out.frame] = out.vis.slice(0, count * 3);
      options.onFinalFrame?.(out.frame, locRows[out.frame]!, visRows[out.frame]!, pre!.width, pre!.height);
    },
  });
  const R = graphs.resolution;
  const image = new Float32Array(3 * R * R);
  let pre: FramePreprocessor | undefined;
  let t = 0;
  for await (const frame of options.frames) {
    signal?.throwIfAborted();
    if (pre === undefined) {
      pre = createFramePreprocessor(frame.height, frame.width, R);
      await pass.addPoints(options.points(frame.width, frame.height));
    }
    checkFrameSize(fn, t, frame, pre.width, pre.height);
    const memory = options.reuse?.get(t);
    if (memory !== undefined) {
      options.reuse!.delete(t);
      await pass.pushMemory(memory);
    } else {
      pre.run(frame.pixels, frame.channels, image);
      await pass.pushFrame(image);
    }
    t++;
  }
  if (pre === undefined) throw invalidArgument('range', fn, 'video', 'at least one frame', '0 frames');
  const memories = await pass.finish();
  const T = t;
  const loc = new Float32Array(count * T * 4);
  const vis = new Float32Array(count * T * 3);
  for (let f = 0; f < T; f++) {
    for (let n = 0; n < count; n++) {
      loc.set(locRows[f]!.subarray(n * 4, n * 4 + 4), (n * T + f) * 4);
      vis.set(visRows[f]!.subarray(n * 3, n * 3 + 3), (n * T + f) * 3);
    }
  }
  return { frameCount: T, width: pre.width, height: pre.height, loc, vis, leftover: memories };
}
