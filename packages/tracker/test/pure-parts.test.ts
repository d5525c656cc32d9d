// SPDX-License-Identifier: Apache-2.0
// The TypeScript-side pieces of the pipeline against the official model's fixtures (no graphs).
import { compareClose } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { createFramePreprocessor } from '../src/preprocess.js';
import { generatePaddingPoints } from '../src/query-padding.js';
import { normalizeQueryPositions } from '../src/queries.js';
import { inverseSigmoid } from '../src/sigmoid.js';
import { fuseBidirectional } from '../src/track-result.js';
import { padsContentAfter, windowSchedule } from '../src/window-schedule.js';
import { windowMasks } from '../src/window-masks.js';
import { meta, numbers, ref } from './reference.js';

const video = ref('video');
const [T, H, W] = video.dims as [number, number, number, number];

describe('preprocessing (spec §2) vs first.model_input_kept', () => {
  it('matches the official normalized model input of the kept frames', () => {
    const kept = numbers(ref('first.frames_kept'));
    const expected = ref('first.model_input_kept');
    const R = expected.dims[2]!;
    expect(R).toBe(meta.model_hw);
    const pre = createFramePreprocessor(H, W, R);
    const out = new Float32Array(kept.length * 3 * R * R);
    const frameSize = H * W * 3;
    kept.forEach((t, i) => pre.run((video.data as Uint8Array).subarray(t * frameSize, (t + 1) * frameSize), 3, out, i * 3 * R * R));
    const report = compareClose(out, expected.data, { atol: 1e-5 });
    expect(report.ok, report.message).toBe(true);
  });

  it('accepts RGBA pixels (alpha ignored) and same-size input unchanged apart from normalisation', () => {
    const pre = createFramePreprocessor(2, 2, 2);
    const rgba = new Uint8Array([255, 0, 0, 9, 0, 255, 0, 9, 0, 0, 255, 9, 255, 255, 255, 9]);
    const out = new Float32Array(12);
    pre.run(rgba, 4, out);
    expect(out[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(out[1]).toBeCloseTo((0 - 0.485) / 0.229, 5);
    expect(out[4 + 1]).toBeCloseTo((1 - 0.456) / 0.224, 5);
  });
});

describe('queries (spec §2, §6)', () => {
  const queries = ref('queries_tyx');
  const q = numbers(queries);
  const n = queries.dims[0]!;
  const pixels = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    pixels[2 * i] = q[3 * i + 2]!;
    pixels[2 * i + 1] = q[3 * i + 1]!;
  }

  it('normalizes (x, y) pixels by (W - 1, H - 1) like first.query_xy_norm', () => {
    const report = compareClose(normalizeQueryPositions(pixels, W, H), ref('first.query_xy_norm').data, { atol: 1e-7 });
    expect(report.ok, report.message).toBe(true);
  });

  it('initial locations are inverse_sigmoid (eps 1e-3) of the normalized position, like first.init_ref_unsig', () => {
    const xy = ref('first.query_xy_norm').data as Float32Array;
    const init = ref('first.init_ref_unsig');
    const mine = new Float32Array(init.dims[0]! * 4);
    for (let i = 0; i < init.dims[0]!; i++) {
      mine[4 * i] = inverseSigmoid(xy[2 * i]!);
      mine[4 * i + 1] = inverseSigmoid(xy[2 * i + 1]!);
    }
    // Absolute: the eps 1e-3 clamp bounds the values by ln(999) = 6.9.
    const report = compareClose(mine, init.data, { atol: 1e-5 });
    expect(report.ok, report.message).toBe(true);
  });

  it('query frames and tracking masks match first.query_frames / first.pt_tracking_mask', () => {
    const frames = numbers(ref('first.query_frames'));
    expect(frames).toEqual(q.filter((_, i) => i % 3 === 0));
    const mask = ref('first.pt_tracking_mask');
    const m = windowMasks(frames, 0, mask.dims[1]);
    expect(Array.from(m.track)).toEqual(numbers(mask));
  });
});

describe('window schedule, skip rule and masks (spec §9)', () => {
  it('schedule equals first.window_schedule', () => {
    const expected = numbers(ref('first.window_schedule'));
    expect(windowSchedule(T).flatMap((w) => [w.start, w.end])).toEqual(expected);
  });

  it('decoded windows and padding flags equal first.windows / windows_pad_*', () => {
    const frames = numbers(ref('first.query_frames'));
    const decoded = windowSchedule(T).filter((w) => windowMasks(frames, w.start).anyUpdate);
    expect(decoded.flatMap((w) => [w.start, w.end])).toEqual(numbers(ref('first.windows')));
    const last = windowSchedule(T).length - 1;
    expect(decoded.map((w) => w.index !== last && padsContentAfter(w.index, T))).toEqual(numbers(ref('first.windows_pad_feat')).map(Boolean));
    expect(decoded.map((w) => w.index !== last)).toEqual(numbers(ref('first.windows_pad_loc')).map(Boolean));
    expect(Math.floor(T / 24)).toBe(meta.padding_gap);
  });

  it('window-0 update mask equals first.w0.update_mask', () => {
    const frames = numbers(ref('first.query_frames'));
    expect(Array.from(windowMasks(frames, 0).update)).toEqual(numbers(ref('first.w0.update_mask')));
  });

  it('follows the official formula on small and edge lengths', () => {
    expect(windowSchedule(8).map((w) => [w.start, w.end])).toEqual([[0, 7]]);
    expect(windowSchedule(12).map((w) => [w.start, w.end])).toEqual([
      [0, 7],
      [4, 11],
    ]);
    expect(windowSchedule(13).map((w) => [w.start, w.end])).toEqual([
      [0, 7],
      [4, 11],
      [5, 12],
    ]);
    expect(() => windowSchedule(7)).toThrow(RangeError);
    expect(padsContentAfter(3, 47)).toBe(true);
    expect(padsContentAfter(3, 48)).toBe(false);
    expect(padsContentAfter(3, undefined)).toBe(true);
  });

  it('skips a window without any update entry', () => {
    expect(windowMasks([7, 20], 0).anyUpdate).toBe(false);
    expect(windowMasks([6, 20], 0).anyUpdate).toBe(true);
  });
});

describe('evaluation query padding (spec §12.3, TapVidDataset.padding_points)', () => {
  it('reproduces first_padded: padding positions and restart frames', () => {
    const gt = ref('gt_tracks_xy');
    const [n, t] = gt.dims as [number, number, number];
    const g = gt.data as Float32Array;
    const frame0 = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      frame0[2 * i] = g[i * t * 2]!;
      frame0[2 * i + 1] = g[i * t * 2 + 1]!;
    }
    const boxes = ref('first_padded.pt_boxes_xy_norm');
    const total = boxes.dims[0]!;
    expect(total).toBe(meta.n_pad_total);
    const pad = generatePaddingPoints({ total, realPositions: frame0, width: W });
    expect(pad.count).toBe(total - n);
    const b = boxes.data as Float32Array;
    const expected = new Float32Array(2 * pad.count);
    for (let k = 0; k < pad.count; k++) {
      expected[2 * k] = b[(n + k) * t * 2]!;
      expected[2 * k + 1] = b[(n + k) * t * 2 + 1]!;
    }
    const report = compareClose(normalizeQueryPositions(pad.positions, W, H), expected, { atol: 1e-7 });
    expect(report.ok, report.message).toBe(true);
    expect(Array.from(pad.restartFrames)).toEqual(numbers(ref('first_padded.query_frames')).slice(n));
  });

  it('appends random integer points after the real positions (numpy reference values)', () => {
    // np.random.seed(0); the official generate_coordinates with real = 3 points, total = 10, W = 256.
    const pad = generatePaddingPoints({ total: 10, realPositions: [10.5, 20.25, 100, 3, 200, 250], width: 256 });
    expect(Array.from(pad.positions)).toEqual([10.5, 20.25, 100, 3, 200, 250, 188, 63, 133, 208, 83, 211, 119, 25]);
    expect(Array.from(pad.restartFrames)).toEqual([3, 5, 2, 4, 7, 6, 8]);
  });

  it('adds nothing when there are already enough points', () => {
    expect(generatePaddingPoints({ total: 2, realPositions: [1, 1, 2, 2], width: 256 }).count).toBe(0);
    expect(generatePaddingPoints({ total: -1, realPositions: [1, 1], width: 256 }).count).toBe(0);
  });
});

describe('bidirectional fusion (spec §12.2, evaluate.py fuse_bidir_outputs)', () => {
  it('fuses every strided group like strided.pred_boxes / strided.pred_logits', () => {
    const fusedBoxes = ref('strided.pred_boxes');
    const fusedLogits = ref('strided.pred_logits');
    const [Ts, Ns] = fusedBoxes.dims as [number, number, number];
    expect(Ts).toBe(meta.T_strided);
    let offset = 0;
    for (const [g, group] of meta.strided_groups.entries()) {
      const toPointMajor = (view: ReturnType<typeof ref>, d: number): Float32Array => {
        const [t, n] = view.dims as [number, number, number];
        const out = new Float32Array(n * t * d);
        const src = view.data as Float32Array;
        for (let f = 0; f < t; f++) for (let p = 0; p < n; p++) out.set(src.subarray((f * n + p) * d, (f * n + p + 1) * d), (p * t + f) * d);
        return out;
      };
      const states = (dir: string) => ({
        frameCount: Ts,
        width: meta.W,
        height: meta.H,
        loc: toPointMajor(ref(`strided.g${g}.${dir}_pred_boxes`), 4),
        vis: toPointMajor(ref(`strided.g${g}.${dir}_pred_logits`), 3),
      });
      const n = group.n;
      const fused = fuseBidirectional(states('fwd'), states('bwd'), new Array<number>(n).fill(group.query_frame));
      const b = fusedBoxes.data as Float32Array;
      const l = fusedLogits.data as Float32Array;
      for (let p = 0; p < n; p++) {
        for (let t = 0; t < Ts; t++) {
          expect(Array.from(fused.loc.subarray((p * Ts + t) * 4, (p * Ts + t + 1) * 4))).toEqual(
            Array.from(b.subarray((t * Ns + offset + p) * 4, (t * Ns + offset + p + 1) * 4)),
          );
          expect(Array.from(fused.vis.subarray((p * Ts + t) * 3, (p * Ts + t + 1) * 3))).toEqual(
            Array.from(l.subarray((t * Ns + offset + p) * 3, (t * Ns + offset + p + 1) * 3)),
          );
        }
      }
      offset += n;
    }
    expect(offset).toBe(Ns);
    expect(numbers(ref('strided.query_frames'))).toEqual(meta.strided_groups.flatMap((g) => new Array<number>(g.n).fill(g.query_frame)));
  });
});
