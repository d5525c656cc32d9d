// SPDX-License-Identifier: Apache-2.0
// The per-window state machine (spec §9) driven by the official per-window outputs (replay graphs):
// decoder inputs, skip decisions, state after every window and final tracks must equal the fixture.
import { compareClose, compareExact } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { createForwardPass, type FrameOutput, type WindowReport } from '../src/forward-pass.js';
import { sigmoid } from '../src/sigmoid.js';
import { WINDOW_SIZE } from '../src/window-schedule.js';
import { windowMasks } from '../src/window-masks.js';
import { meta, numbers, ref } from './reference.js';
import { statesAfterWindows } from './reconstruct.js';
import { createReplayGraphs, loadReplayFixture, stateRows } from './replay-graphs.js';

const fx = loadReplayFixture();
const K = WINDOW_SIZE;

/**
 * Copies `[F, N, C]` frame-major content keeping only the points whose query frame is <= `known`:
 * the streaming pass computes a point's content feature when its query frame is encoded and holds
 * zeros before (spec §8.1: untracked entries never influence tracked ones), the official code
 * computes all of them up front.
 */
function knownPoints(content: Float32Array, known: number): Float32Array {
  const out = content.slice();
  const { N, C } = fx;
  for (let r = 0; r < out.length / C; r++) if (fx.queryFrames[r % N]! > known) out.fill(0, r * C, (r + 1) * C);
  return out;
}

async function runReplay() {
  const graphs = createReplayGraphs(fx);
  const frames: FrameOutput[] = [];
  const reports: WindowReport[] = [];
  let maxCached = 0;
  const pass = createForwardPass({
    graphs,
    frameCount: fx.T,
    onFrame: (f) => frames.push({ ...f, loc: f.loc.slice(), vis: f.vis.slice() }),
    onWindow: (r) => reports.push(r),
    onProgress: () => {
      maxCached = Math.max(maxCached, pass.cachedFrames);
    },
  });
  await pass.addPoints(fx.queryFrames.map((q, i) => ({ id: i, queryFrame: q, x: fx.xyNorm[2 * i]!, y: fx.xyNorm[2 * i + 1]! })));
  for (let t = 0; t < fx.T; t++) {
    await pass.pushFrame(new Float32Array(1));
    maxCached = Math.max(maxCached, pass.cachedFrames);
  }
  await pass.finish();
  return { graphs, frames, reports, maxCached };
}

describe('forward pass state machine vs the official per-window state (replayed decoder)', async () => {
  const { graphs, frames, reports, maxCached } = await runReplay();
  const decoded = reports.filter((r) => !r.skipped);

  it('decodes exactly the official windows', () => {
    expect(decoded.map((r) => [r.window.start, r.window.end])).toEqual(fx.windows);
    expect(graphs.inputs.map((i) => i.window)).toEqual(fx.windows.map((_, i) => i));
  });

  it('feeds window 0 the official inputs (first.w0.ref_unsig, tgt, update_mask)', () => {
    const first = graphs.inputs[0]!.input;
    expect(compareExact(first.refUnsig, ref('first.w0.ref_unsig').data as Float32Array).message).toMatch(/^all/);
    expect(compareExact(first.content, knownPoints(ref('first.w0.tgt').data as Float32Array, K - 1)).message).toMatch(/^all/);
    expect(Array.from(first.updateMask)).toEqual(numbers(ref('first.w0.update_mask')));
  });

  it('feeds every later window the official state left by the previous one (locations; content where stored)', () => {
    const featWindows = fx.stateFeat.dims[0]!;
    for (const { window: w, input } of graphs.inputs.slice(1)) {
      const [start] = fx.windows[w]!;
      const loc = compareExact(input.refUnsig, stateRows(fx.stateLoc, w - 1, start!, K));
      expect(loc.ok, `window ${w} ref_unsig: ${loc.message}`).toBe(true);
      if (w - 1 < featWindows) {
        const feat = compareExact(input.content, knownPoints(stateRows(fx.stateFeat, w - 1, start!, K), start! + K - 1));
        expect(feat.ok, `window ${w} content: ${feat.message}`).toBe(true);
      }
      const masks = windowMasks(fx.queryFrames, start!);
      expect(Array.from(input.trackMask)).toEqual(Array.from(masks.track));
      expect(Array.from(input.updateMask)).toEqual(Array.from(masks.update));
    }
  });

  it('leaves the official whole-video state after every window (overwrite + forward copy + content padding)', () => {
    const T = fx.T;
    const N = fx.N;
    const C = fx.C;
    const states = statesAfterWindows(decoded, T);
    decoded.forEach((r, w) => {
      const { start, end } = r.window;
      const { loc, vis, feat } = states[w]!;
      expect(r.paddedContent && w !== decoded.length - 1).toBe(Boolean(numbers(ref('first.windows_pad_feat'))[w]));
      const l = compareExact(loc, stateRows(fx.stateLoc, w, 0, T));
      expect(l.ok, `LOC after window ${w}: ${l.message}`).toBe(true);
      const v = compareExact(vis, stateRows(fx.stateVis, w, 0, T));
      expect(v.ok, `VIS after window ${w}: ${v.message}`).toBe(true);
      if (w < fx.stateFeat.dims[0]!) {
        // Frames before the window are final (no longer live); their content is never read again.
        const live = (x: Float32Array): Float32Array => knownPoints(x, end).fill(0, 0, start * N * C);
        const f = compareExact(live(feat), live(stateRows(fx.stateFeat, w, 0, T)));
        expect(f.ok, `FEAT after window ${w}: ${f.message}`).toBe(true);
      }
    });
  });

  it('emits every frame once, in order, with the final official state', () => {
    expect(frames.map((f) => f.frame)).toEqual(Array.from({ length: fx.T }, (_, t) => t));
    const last = fx.stateLoc.dims[0]! - 1;
    const loc = new Float32Array(fx.T * fx.N * 4);
    frames.forEach((f) => loc.set(f.loc, f.frame * fx.N * 4));
    expect(compareExact(loc, stateRows(fx.stateLoc, last, 0, fx.T)).ok).toBe(true);
  });

  it('maps the final state to first.tracks_xy / first.occluded / first.pred_boxes', () => {
    const { N, T } = fx;
    const tracks = new Float32Array(N * T * 2);
    const boxes = new Float32Array(T * N * 4);
    const occluded: number[] = new Array<number>(N * T);
    for (const f of frames) {
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < 4; c++) boxes[(f.frame * N + n) * 4 + c] = sigmoid(f.loc[n * 4 + c]!);
        tracks[(n * T + f.frame) * 2] = Math.fround(sigmoid(f.loc[n * 4]!) * (meta.W - 1));
        tracks[(n * T + f.frame) * 2 + 1] = Math.fround(sigmoid(f.loc[n * 4 + 1]!) * (meta.H - 1));
        occluded[n * T + f.frame] = sigmoid(f.vis[n * 3 + 1]!) > 0.5 ? 0 : 1;
      }
    }
    const b = compareClose(boxes, ref('first.pred_boxes').data, { atol: 1e-6 });
    expect(b.ok, b.message).toBe(true);
    // 5e-5 + 4 float32 ulps of |expected| (<= the former 1e-4 up to 100 px): float32 rounding of sigmoid * (W - 1) grows with W.
    const t = compareClose(tracks, ref('first.tracks_xy').data, { atol: 5e-5, rtol: 2 ** -21 });
    expect(t.ok, t.message).toBe(true);
    expect(occluded).toEqual(numbers(ref('first.occluded')));
  });

  it('holds at most 12 frames of encoder memory', () => {
    expect(maxCached).toBeLessThanOrEqual(12);
  });
});
