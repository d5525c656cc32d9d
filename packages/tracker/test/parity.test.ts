// SPDX-License-Identifier: Apache-2.0
// End-to-end parity with the official TAPTR model: the reference checkpoint converted to ONNX by
// @taptr/model, run by onnxruntime-node through the tracker, against the official outputs of the
// 'first', 'first_padded' and 'strided' runs. Tolerances from the fixture README / issue 6:
// tracks 1e-2 px, occlusion decisions identical, state after every window 2e-3 (+ 2e-5 relative: the
// location state is in logit space), pred_boxes 1e-4.
// Every run twice: once with every window on the 'project-first' decoder (sampleFirstMaxPoints 0) and
// once with every window on the 'sample-first' decoder (the threshold at the fixtures' largest N);
// the sessions are counted so that a silent fallback to the other decoder fails the test.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTaptrGraphs, parseTaptrConfig, readTaptrCheckpoint, type TaptrGraphs } from '@taptr/model';
import type { ModelSession, RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { tensor, type TensorView } from '@taptr/tensor';
import { compareClose, loadJson, type CloseOptions } from '@taptr/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecoderPath } from '../src/decoder-path.js';
import type { WindowReport } from '../src/forward-pass.js';
import { inverseSigmoid, sigmoid } from '../src/sigmoid.js';
import { createTracker, type Tracker } from '../src/tracker.js';
import { statesAfterWindows } from './reconstruct.js';
import { meta, numbers, ref, REFERENCE_DIR } from './reference.js';

/** Absolute: pixels, the unit users see; float32 resolves 1e-2 px up to ~1e5 px. */
const TRACK_PX: CloseOptions = { atol: 1e-2 };
/** Logit-space state grows with |x| (~7 here); each sigmoid round trip loses ~e^|x| * 2^-24, hence the 2e-5 * |x| of one window. */
const STATE: CloseOptions = { atol: 2e-3, rtol: 2e-5 };
/** Absolute: sigmoid outputs in [0, 1]. */
const BOXES: CloseOptions = { atol: 1e-4 };

const video = ref('video') as TensorView<'uint8'>;
const [T, H, W] = video.dims as [number, number, number, number];

/** Frame 0..count-1 of the video. */
function head(count: number): TensorView<'uint8'> {
  return tensor('uint8', [count, H, W, 3], video.data.subarray(0, count * H * W * 3));
}

/** Occlusion decisions `[N, T]` (1 = occluded) of a result. */
function occluded(visible: TensorView<'bool'>): number[] {
  return Array.from(visible.data, (v) => 1 - v);
}

/** Frame-major `[T, N, d]` from point-major `[N, T, d]`. */
function frameMajor(data: Float32Array, N: number, frames: number, d: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let n = 0; n < N; n++) for (let t = 0; t < frames; t++) out.set(data.subarray((n * frames + t) * d, (n * frames + t + 1) * d), (t * N + n) * d);
  return out;
}

const sig = (a: Float32Array): Float32Array => a.map(sigmoid);

const worst: Record<string, number> = {};
let model: TaptrGraphs;

beforeAll(() => {
  const config = parseTaptrConfig(loadJson(REFERENCE_DIR, 'config.json'));
  const stateDict = readTaptrCheckpoint(new Uint8Array(readFileSync(join(REFERENCE_DIR, 'checkpoint.pth'))), { config });
  model = buildTaptrGraphs(stateDict, config, { encoderBatch: 1 });
  expect(config.resolution).toBe(meta.model_hw);
  expect(model.decoderWindowSampleFirst).toBeInstanceOf(Uint8Array);
}, 120_000);

afterAll(() => {
  // The measured worst errors, written where TAPTR_PARITY_REPORT points (if set).
  const out = process.env['TAPTR_PARITY_REPORT'];
  if (out) writeFileSync(out, `${JSON.stringify(worst, null, 2)}\n`);
});

const queries = numbers(ref('queries_tyx'));
const N = queries.length / 3;
const QUERIES = Array.from({ length: N }, (_, i) => ({ t: queries[3 * i]!, x: queries[3 * i + 2]!, y: queries[3 * i + 1]! }));
/** The largest point count of any window below: the padded total, the real queries, a strided group. */
const MAX_POINTS = Math.max(N, ref('first_padded.pred_boxes').dims[1]!, ...meta.strided_groups.map((g) => g.n));

/** Counts the sessions created and run per decoder graph (by identity of the ONNX bytes). */
function countingRuntime(runtime: RuntimeAdapter) {
  const created: DecoderPath[] = [];
  const runs: Record<DecoderPath, number> = { 'project-first': 0, 'sample-first': 0 };
  const pathOf = (bytes: unknown): DecoderPath | undefined =>
    bytes === model.decoderWindow ? 'project-first' : bytes === model.decoderWindowSampleFirst ? 'sample-first' : undefined;
  const counting: RuntimeAdapter = {
    ...runtime,
    async createSession(bytes, options): Promise<ModelSession> {
      const session = await runtime.createSession(bytes, options);
      const path = pathOf(bytes);
      if (path === undefined) return session;
      created.push(path);
      // A wrapper passes the pre-allocated outputs on: the runner reads the window's results from them.
      return {
        ...session,
        run: (feeds, outputs) => {
          runs[path]++;
          return session.run(feeds, outputs);
        },
      };
    },
  };
  return { runtime: counting, created, runs };
}

for (const path of ['project-first', 'sample-first'] as const) {
  describe(`tracker parity on the ${path} decoder`, () => {
    let tracker: Tracker;
    let counted: ReturnType<typeof countingRuntime>;
    beforeAll(async () => {
      counted = countingRuntime(createNodeRuntime({ threads: 1 }));
      tracker = await createTracker({ runtime: counted.runtime, model, sampleFirstMaxPoints: path === 'sample-first' ? MAX_POINTS : 0 });
    }, 120_000);
    afterAll(async () => {
      await tracker?.release();
    });

    function check(name: string, actual: Float32Array, expected: Float32Array, tolerance: CloseOptions): void {
      const report = compareClose(actual, expected, tolerance);
      const key = `${path}: ${name}`;
      worst[key] = Math.max(worst[key] ?? 0, report.maxAbsError);
      expect(report.ok, `${key}: ${report.message}`).toBe(true);
    }

    /** Starts counting; the returned check says every window decoded since ran on this describe's decoder. */
    function decoderRuns(): (reports: readonly WindowReport[]) => void {
      const before = { ...counted.runs };
      return (reports) => {
        const decoded = reports.filter((w) => !w.skipped).length;
        const other: DecoderPath = path === 'sample-first' ? 'project-first' : 'sample-first';
        expect({ [path]: counted.runs[path] - before[path], [other]: counted.runs[other] - before[other] }).toEqual({ [path]: decoded, [other]: 0 });
        // Decoder sessions are created at their first window: a run on one decoder never creates the other.
        expect(counted.created).toEqual([path]);
      };
    }

    describe('parity with the official model: first', () => {
      it('tracks, occlusion and the state after every window', async () => {
        const reports: WindowReport[] = [];
        const ranOnThisDecoder = decoderRuns();
        const r = await tracker.track(video, QUERIES, { onWindow: (w) => reports.push(w) });
        ranOnThisDecoder(reports);
        check('first.tracks_xy (px)', r.tracks.data, ref('first.tracks_xy').data as Float32Array, TRACK_PX);
        expect(occluded(r.visible)).toEqual(numbers(ref('first.occluded')));
        check('first.pred_logits', frameMajor(r.logits.data, N, T, 3), ref('first.pred_logits').data as Float32Array, STATE);

        const states = statesAfterWindows(reports, T);
        expect(
          reports
            .filter((w) => !w.skipped)
            .map((w) => [w.window.start, w.window.end])
            .flat(),
        ).toEqual(numbers(ref('first.windows')));
        const stateLoc = ref('first.state_embeds_last').data as Float32Array;
        const stateVis = ref('first.state_visib_last').data as Float32Array;
        const stateFeat = ref('first.state_feats_w012');
        const C = stateFeat.dims[3]!;
        const queryFrames = numbers(ref('first.query_frames'));
        states.forEach((s, w) => {
          check('first.state_embeds_last', s.loc, stateLoc.subarray(w * T * N * 4, (w + 1) * T * N * 4), STATE);
          check('first.state_visib_last', s.vis, stateVis.subarray(w * T * N * 3, (w + 1) * T * N * 3), STATE);
          if (w < stateFeat.dims[0]!) {
            // Live frames of points whose query frame is already encoded (the others hold zeros until
            // then; spec §8.1 makes them irrelevant).
            const { start, end } = reports.filter((x) => !x.skipped)[w]!.window;
            const live = (x: Float32Array): Float32Array => {
              const y = x.slice();
              y.fill(0, 0, start * N * C);
              for (let row = 0; row < T * N; row++) if (queryFrames[row % N]! > end) y.fill(0, row * C, (row + 1) * C);
              return y;
            };
            check('first.state_feats_w012', live(s.feat), live((stateFeat.data as Float32Array).slice(w * T * N * C, (w + 1) * T * N * C)), STATE);
          }
        });
        check('first.pred_boxes', sig(states.at(-1)!.loc), ref('first.pred_boxes').data as Float32Array, BOXES);
      });
    });

    describe('parity with the official model: first_padded (evaluation query padding)', () => {
      it('tracks and occlusion of the real points', async () => {
        const gt = ref('gt_tracks_xy');
        const g = gt.data as Float32Array;
        const frame0 = Array.from({ length: N }, (_, n) => [g[n * T * 2]!, g[n * T * 2 + 1]!]).flat();
        const total = ref('first_padded.pred_boxes').dims[1]!;
        const reports: WindowReport[] = [];
        const ranOnThisDecoder = decoderRuns();
        const r = await tracker.track(video, QUERIES, { padQueries: { total, framePositions: frame0 }, onWindow: (w) => reports.push(w) });
        ranOnThisDecoder(reports);
        check('first_padded.tracks_xy (px)', r.tracks.data, ref('first_padded.tracks_xy').data as Float32Array, TRACK_PX);
        expect(occluded(r.visible)).toEqual(numbers(ref('first_padded.occluded')));
        const final = statesAfterWindows(reports, T).at(-1)!;
        expect(reports[0]!.ids.length).toBe(total);
        check('first_padded.pred_boxes', sig(final.loc), ref('first_padded.pred_boxes').data as Float32Array, BOXES);
        check('first_padded.pred_logits', final.vis, ref('first_padded.pred_logits').data as Float32Array, STATE);
      });
    });

    describe('parity with the official model: strided (bidirectional)', () => {
      const Ts = meta.T_strided;
      const gt = ref('strided.gt_tracks_xy');
      const g = gt.data as Float32Array;
      const fusedTracks = ref('strided.tracks_xy').data as Float32Array;
      const fusedOccluded = numbers(ref('strided.occluded'));
      let offset = 0;
      for (const [index, group] of meta.strided_groups.entries()) {
        const rows = Array.from({ length: group.n }, (_, i) => offset + i);
        offset += group.n;
        it(`group ${index} (query frame ${group.query_frame}): forward, backward and fused`, async () => {
          const qf = group.query_frame;
          const groupQueries = rows.map((row) => ({ t: qf, x: g[(row * Ts + qf) * 2]!, y: g[(row * Ts + qf) * 2 + 1]! }));
          const reports: Record<string, WindowReport[]> = { forward: [], backward: [] };
          const ranOnThisDecoder = decoderRuns();
          const r = await tracker.track(head(Ts), groupQueries, { bidirectional: true, onWindow: (w, pass) => reports[pass]!.push(w) });
          ranOnThisDecoder([...reports.forward!, ...reports.backward!]);
          // A pass in which every window is skipped (the backward pass of the group queried at frame 0
          // starts on its last frame) keeps the initial state: the query location, logits (0, 1, 0).
          const initial = () => {
            const loc = new Float32Array(Ts * group.n * 4);
            const vis = new Float32Array(Ts * group.n * 3);
            for (let t = 0; t < Ts; t++)
              groupQueries.forEach((q, n) => {
                loc.set([inverseSigmoid(q.x / (W - 1)), inverseSigmoid(q.y / (H - 1)), 0, 0], (t * group.n + n) * 4);
                vis[(t * group.n + n) * 3 + 1] = 1;
              });
            return { loc, vis };
          };
          const fwd = statesAfterWindows(reports.forward!, Ts).at(-1) ?? initial();
          const bwd = statesAfterWindows(reports.backward!, Ts).at(-1) ?? initial();
          check('strided.fwd_pred_boxes', sig(fwd.loc), ref(`strided.g${index}.fwd_pred_boxes`).data as Float32Array, BOXES);
          check('strided.fwd_pred_logits', fwd.vis, ref(`strided.g${index}.fwd_pred_logits`).data as Float32Array, STATE);
          check('strided.bwd_pred_boxes', sig(bwd.loc), ref(`strided.g${index}.bwd_pred_boxes`).data as Float32Array, BOXES);
          check('strided.bwd_pred_logits', bwd.vis, ref(`strided.g${index}.bwd_pred_logits`).data as Float32Array, STATE);
          const expectedTracks = fusedTracks.slice(rows[0]! * Ts * 2, (rows.at(-1)! + 1) * Ts * 2);
          check('strided.tracks_xy (px)', r.tracks.data, expectedTracks, TRACK_PX);
          expect(occluded(r.visible)).toEqual(fusedOccluded.slice(rows[0]! * Ts, (rows.at(-1)! + 1) * Ts));
        });
      }
    });
  });
}
