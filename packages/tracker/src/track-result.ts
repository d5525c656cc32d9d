// SPDX-License-Identifier: Apache-2.0
import { tensor, type TensorView } from '@taptr/tensor';
import type { PassStates } from './run-pass.js';
import { sigmoid } from './sigmoid.js';

/** Result of {@link Tracker.track}. */
export interface TrackResult {
  /** `[N, T, 2]` float32 (x, y) in video pixels: sigmoid(LOC) x (W - 1, H - 1) (spec §10). */
  readonly tracks: TensorView<'float32'>;
  /** `[N, T]` bool: sigmoid(logits[..., 1]) > threshold. */
  readonly visible: TensorView<'bool'>;
  /** `[N, T, 3]` float32 visibility logits (index 1 = visible). */
  readonly logits: TensorView<'float32'>;
  /** Frames T, width W and height H of the video. */
  readonly frameCount: number;
  readonly width: number;
  readonly height: number;
}

/** One frame of {@link Tracker.track}'s result, reported as soon as it is final (`TrackOptions.onFrame`). */
export interface TrackFrameResult {
  readonly frame: number;
  /** `[N, 2]` (x, y) in video pixels. */
  readonly tracks: Float32Array;
  /** `[N]` 1 = visible. */
  readonly visible: Uint8Array;
  /** `[N, 3]` visibility logits. */
  readonly logits: Float32Array;
}

/** Pixel position and visibility of state `i` (spec §10): sigmoid(LOC) x (W - 1, H - 1), sigmoid(logit 1) > threshold. */
function decodeState(
  loc: Float32Array,
  vis: Float32Array,
  i: number,
  W: number,
  H: number,
  threshold: number,
  tracks: Float32Array,
  visible: Uint8Array,
  j: number,
): void {
  tracks[2 * j] = sigmoid(loc[4 * i]!) * (W - 1);
  tracks[2 * j + 1] = sigmoid(loc[4 * i + 1]!) * (H - 1);
  visible[j] = sigmoid(vis[3 * i + 1]!) > threshold ? 1 : 0;
}

/** One final frame's states (`[N, 4]` LOC, `[N, 3]` VIS logits) as a {@link TrackFrameResult}. @internal */
export function toTrackFrameResult(frame: number, loc: Float32Array, vis: Float32Array, width: number, height: number, threshold: number): TrackFrameResult {
  const n = vis.length / 3;
  const tracks = new Float32Array(n * 2);
  const visible = new Uint8Array(n);
  for (let i = 0; i < n; i++) decodeState(loc, vis, i, width, height, threshold, tracks, visible, i);
  return { frame, tracks, visible, logits: vis.slice() };
}

/**
 * Bidirectional fusion (evaluate.py's strided protocol, spec §12.2): for t >= q_n the forward
 * state, for t < q_n the backward pass's state at reversed frame T - 1 - t. Both point-major.
 * @internal
 */
export function fuseBidirectional(forward: PassStates, backward: PassStates, queryFrames: ArrayLike<number>): PassStates {
  const T = forward.frameCount;
  const N = queryFrames.length;
  const loc = forward.loc.slice();
  const vis = forward.vis.slice();
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < queryFrames[n]!; t++) {
      const src = n * T + (T - 1 - t);
      const dst = n * T + t;
      loc.set(backward.loc.subarray(src * 4, src * 4 + 4), dst * 4);
      vis.set(backward.vis.subarray(src * 3, src * 3 + 3), dst * 3);
    }
  }
  return { ...forward, loc, vis };
}

/** Maps states to the public result (spec §10). @internal */
export function toTrackResult(states: PassStates, count: number, threshold: number): TrackResult {
  const { frameCount: T, width: W, height: H } = states;
  const tracks = new Float32Array(count * T * 2);
  const visible = new Uint8Array(count * T);
  for (let i = 0; i < count * T; i++) decodeState(states.loc, states.vis, i, W, H, threshold, tracks, visible, i);
  return {
    tracks: tensor('float32', [count, T, 2], tracks),
    visible: tensor('bool', [count, T], visible),
    logits: tensor('float32', [count, T, 3], states.vis.slice()),
    frameCount: T,
    width: W,
    height: H,
  };
}
