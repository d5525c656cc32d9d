// SPDX-License-Identifier: Apache-2.0
// A fake TaptrGraphRunner that replays the official per-window outputs of the 'first' fixture run, so the
// TypeScript state machine (windows, skips, overwrite, forward copy, content padding) can be checked
// against the official state after every window without any ONNX graph.
import type { TensorView } from '@taptr/tensor';
import type { DecoderWindowInput, TaptrGraphRunner } from '../src/graph-runner.js';
import { host } from './toy-graphs.js';
import { numbers, ref } from './reference.js';

export interface ReplayFixture {
  readonly T: number;
  readonly N: number;
  readonly C: number;
  readonly queryFrames: number[];
  readonly xyNorm: Float32Array;
  readonly queryFeat: Float32Array;
  readonly windows: number[][];
  readonly stateLoc: TensorView;
  readonly stateVis: TensorView;
  readonly stateFeat: TensorView;
}

export function loadReplayFixture(): ReplayFixture {
  const stateLoc = ref('first.state_embeds_last');
  const [, T, N] = stateLoc.dims as [number, number, number, number];
  const queryFeat = ref('first.query_feat');
  const w = numbers(ref('first.windows'));
  const windows: number[][] = [];
  for (let i = 0; i < w.length; i += 2) windows.push([w[i]!, w[i + 1]!]);
  return {
    T,
    N,
    C: queryFeat.dims[1]!,
    queryFrames: numbers(ref('first.query_frames')),
    xyNorm: ref('first.query_xy_norm').data as Float32Array,
    queryFeat: queryFeat.data as Float32Array,
    windows,
    stateLoc,
    stateVis: ref('first.state_visib_last'),
    stateFeat: ref('first.state_feats_w012'),
  };
}

/** Rows [start, start + K) of frame-major state `[T, N, d]` after decoded window `w`, as `[K, N, d]`. */
export function stateRows(state: TensorView, w: number, start: number, K: number): Float32Array {
  const [, T, N, d] = state.dims as [number, number, number, number];
  const base = (w * T + start) * N * d;
  return (state.data as Float32Array).slice(base, base + K * N * d);
}

export interface ReplayGraphs extends TaptrGraphRunner {
  readonly inputs: { window: number; input: DecoderWindowInput }[];
}

/** Memory of fake frame t: `[S = 1, C]` holding t in its first element. */
export function createReplayGraphs(fx: ReplayFixture): ReplayGraphs {
  const inputs: { window: number; input: DecoderWindowInput }[] = [];
  let encoded = 0;
  return {
    resolution: 8,
    tokens: 1,
    channels: fx.C,
    inputs,
    async encodeFrames(_images, count, target) {
      const into = host(target);
      for (let i = 0; i < count; i++) {
        into.fill(0, i * fx.C, (i + 1) * fx.C);
        into[i * fx.C] = encoded++;
      }
    },
    async initQueries(memory, xyNorm, count) {
      const t = host(memory)[0]!;
      const out = new Float32Array(count * fx.C);
      for (let k = 0; k < count; k++) {
        const n = fx.queryFrames.findIndex((q, i) => q === t && fx.xyNorm[2 * i] === xyNorm[2 * k] && fx.xyNorm[2 * i + 1] === xyNorm[2 * k + 1]);
        if (n < 0) throw new Error(`replay: no fixture point at frame ${t}`);
        out.set(fx.queryFeat.subarray(n * fx.C, (n + 1) * fx.C), k * fx.C);
      }
      return out;
    },
    async decodeWindow(input, output) {
      const memory = host(input.memory);
      const start = memory[0]!;
      const w = fx.windows.findIndex(([s]) => s === start);
      if (w < 0) throw new Error(`replay: window starting at ${start} was not decoded by the official run`);
      inputs.push({ window: w, input });
      const K = memory.length / fx.C;
      output.refUnsigOut.set(stateRows(fx.stateLoc, w, start, K));
      output.visLogits.set(stateRows(fx.stateVis, w, start, K));
      output.contentOut.set(w < fx.stateFeat.dims[0]! ? stateRows(fx.stateFeat, w, start, K) : input.content);
    },
    async release() {},
  };
}
