// SPDX-License-Identifier: Apache-2.0
// Rebuilds the official whole-video state [T, N, d] after each decoded window from the tracker's
// window reports (window rows + the forward-copied rows after the window), as the official code
// holds it (fixtures first.state_*).
import type { WindowReport } from '../src/forward-pass.js';

export interface VideoState {
  /** `[T, N, 4]` LOC. */
  readonly loc: Float32Array;
  /** `[T, N, 3]` VIS. */
  readonly vis: Float32Array;
  /** `[T, N, C]` FEAT. */
  readonly feat: Float32Array;
}

/** Whole-video state after every decoded window (in order), starting from the initial state. */
export function statesAfterWindows(reports: readonly WindowReport[], T: number): VideoState[] {
  const decoded = reports.filter((r) => !r.skipped);
  if (decoded.length === 0) return [];
  const first = decoded[0]!;
  const K = first.window.end - first.window.start + 1;
  const N = first.ids.length;
  const C = first.input!.content.length / (K * N);
  // Before any window every frame holds the initial state (LOC = query location, VIS = (0, 1, 0)).
  const loc = new Float32Array(T * N * 4);
  const vis = new Float32Array(T * N * 3);
  const feat = new Float32Array(T * N * C);
  for (let t = 0; t < T; t++) {
    loc.set(first.input!.refUnsig.subarray(0, N * 4), t * N * 4);
    for (let n = 0; n < N; n++) vis[(t * N + n) * 3 + 1] = 1;
    feat.set(first.input!.content.subarray(0, N * C), t * N * C);
  }
  return decoded.map((r) => {
    const { start, end } = r.window;
    loc.set(r.loc!, start * N * 4);
    vis.set(r.vis!, start * N * 3);
    feat.set(r.feat!, start * N * C);
    for (let t = end + 1; t < T; t++) {
      loc.set(r.pendingLoc!, t * N * 4);
      vis.set(r.pendingVis!, t * N * 3);
      feat.set(r.pendingFeat!, t * N * C);
    }
    return { loc: loc.slice(), vis: vis.slice(), feat: feat.slice() };
  });
}
