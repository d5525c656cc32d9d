// SPDX-License-Identifier: Apache-2.0
// G3 decoder_window against the official model's window-0 fixtures (spec §7-§9): fed with the
// fixture's own window-0 inputs, every intermediate and output must match first.w0.* (README
// tolerance for one decoder window: 1e-4 absolute + 2e-5 relative). N, K, C are read from the .npy headers.
import { isTaptrError, tensor, type TensorView } from '@taptr/tensor';
import { compareClose, loadJson, loadNpy } from '@taptr/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTaptrConfig, type TaptrConfig } from '../src/config/index.js';
import type { StateDict } from '../src/graphs/blocks/state-dict.js';
import { buildDecoderWindowGraph } from '../src/graphs/decoder-window.js';
import { loadReferenceStateDict } from './decoder-state-dict.js';
import { TAPTR_FIXTURES } from './fixture-dir.js';
import { DECODER_WINDOW_TOLERANCE } from './reference-tolerances.js';
import { runOnnx } from './run-onnx.js';

const npy = (name: string) => loadNpy(TAPTR_FIXTURES, name);

/** Selects `points` along axis `axis` of a row-major tensor. */
function selectPoints<T extends TensorView>(view: T, axis: number, points: readonly number[]): T {
  const dims = [...view.dims];
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = dims[axis]!;
  const src = view.data as unknown as {
    subarray(a: number, b: number): ArrayLike<number>;
    constructor: new (n: number) => { set(a: ArrayLike<number>, o: number): void };
  };
  const out = new (view.data.constructor as new (n: number) => Float32Array)(outer * points.length * inner);
  for (let o = 0; o < outer; o++)
    points.forEach((p, i) => out.set(src.subarray((o * n + p) * inner, (o * n + p + 1) * inner), (o * points.length + i) * inner));
  dims[axis] = points.length;
  return tensor(view.type, dims, out as never) as T;
}

describe('decoder_window graph (G3, default project-first) vs the official window-0 fixtures', () => {
  let config: TaptrConfig;
  let stateDict: StateDict;
  let model: Uint8Array;
  let feeds: Record<string, TensorView>;
  let full: Record<string, TensorView>;
  let K: number;
  let N: number;
  let start: number;

  beforeAll(async () => {
    config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
    stateDict = loadReferenceStateDict();
    model = buildDecoderWindowGraph(stateDict, config, { debugOutputs: true });
    start = Number((npy('first.windows.npy').data as BigInt64Array)[0]);
    const tgt = npy('first.w0.tgt.npy');
    [K, N] = [tgt.dims[0]!, tgt.dims[1]!];
    const C = tgt.dims[2]!;
    // INIT: every point's initial content feature, the same in every frame.
    const feat = npy('first.query_feat.npy').data as Float32Array;
    const init = new Float32Array(K * N * C);
    for (let t = 0; t < K; t++) init.set(feat, t * N * C);
    const tracking = npy('first.pt_tracking_mask.npy');
    const T = tracking.dims[1]!;
    const track = new Uint8Array(N * K);
    for (let n = 0; n < N; n++) for (let t = 0; t < K; t++) track[n * K + t] = (tracking.data as Uint8Array)[n * T + start + t]!;
    feeds = {
      memory: npy('first.memory_w0.npy'),
      content: tgt,
      ref_unsig: npy('first.w0.ref_unsig.npy'),
      track_mask: tensor('bool', [N, K], track),
      update_mask: npy('first.w0.update_mask.npy'),
      init_content: tensor('float32', [K, N, C], init),
    };
    full = await runOnnx(model, feeds, { threads: 2 });
  });

  const cases: [output: string, fixture: string][] = [
    ['corr_query', 'first.w0.corr_query.npy'],
    ['layer_in', 'first.w0.layer_in.npy'],
    ['query_pos', 'first.w0.query_pos.npy'],
    ['corr_feats', 'first.w0.corr_feats.npy'],
    ['hs', 'first.w0.hs.npy'],
    ['outputs_coord_unsig', 'first.w0.outputs_coord_unsig.npy'],
    ['outputs_class', 'first.w0.outputs_class.npy'],
    ['references', 'first.w0.references.npy'],
  ];
  // atol + rtol * |expected|: the location logits (outputs_coord_unsig, ref_unsig_out) reach |x| ~ 7-8.
  for (const [output, fixture] of cases) {
    it(`debug output ${output} matches ${fixture}`, () => {
      const report = compareClose(full[output]!, npy(fixture), DECODER_WINDOW_TOLERANCE);
      if (process.env['TAPTR_REPORT_ERRORS']) process.stderr.write(`decoder_window ${output}: max |err| ${report.maxAbsError.toExponential(2)}\n`);
      expect(report.ok, `${output}: ${report.message}`).toBe(true);
    });
  }

  it('ref_unsig_out, vis_logits are the last layer of outputs_coord_unsig / outputs_class', () => {
    const last = (name: string) => {
      const v = npy(name);
      const size = v.data.length / v.dims[0]!;
      return tensor('float32', v.dims.slice(1), (v.data as Float32Array).slice(-size));
    };
    for (const [output, fixture] of [
      ['ref_unsig_out', 'first.w0.outputs_coord_unsig.npy'],
      ['vis_logits', 'first.w0.outputs_class.npy'],
    ] as const) {
      const report = compareClose(full[output]!, last(fixture), DECODER_WINDOW_TOLERANCE);
      expect(report.ok, `${output}: ${report.message}`).toBe(true);
    }
  });

  it('content_out matches the content state after window 0 (first.state_feats_w012[0], window frames)', () => {
    const states = npy('first.state_feats_w012.npy');
    const [, T, , C] = states.dims as [number, number, number, number];
    const expected = tensor('float32', [K, N, C], (states.data as Float32Array).slice(start * N * C, (start + K) * N * C));
    expect(T).toBeGreaterThanOrEqual(start + K);
    const report = compareClose(full['content_out']!, expected, DECODER_WINDOW_TOLERANCE);
    expect(report.ok, `content_out: ${report.message}`).toBe(true);
  });

  it('dynamic N: the points tracked in the window alone reproduce their fixture values at tracked entries (isolation, spec §8.1)', async () => {
    const trackMask = feeds['track_mask']!.data as Uint8Array;
    const tracked = Array.from({ length: N }, (_, n) => n).filter((n) => trackMask.subarray(n * K, (n + 1) * K).some((v) => v === 1));
    expect(tracked.length).toBeGreaterThan(0);
    expect(tracked.length).toBeLessThan(N);
    const sub = await runOnnx(model, {
      memory: feeds['memory']!,
      content: selectPoints(feeds['content']!, 1, tracked),
      ref_unsig: selectPoints(feeds['ref_unsig']!, 1, tracked),
      track_mask: selectPoints(feeds['track_mask']!, 0, tracked),
      update_mask: selectPoints(feeds['update_mask']!, 0, tracked),
      init_content: selectPoints(feeds['init_content']!, 1, tracked),
    });
    // Entries with tr = False are discarded by the model (their values may depend on other points).
    const subTrack = selectPoints(feeds['track_mask']!, 0, tracked).data as Uint8Array;
    const trackedEntries = (view: TensorView): number[] => {
      const [D, , n, width] = view.dims as [number, number, number, number];
      const values: number[] = [];
      for (let d = 0; d < D; d++)
        for (let t = 0; t < K; t++)
          for (let i = 0; i < n; i++)
            if (subTrack[i * K + t]) values.push(...(view.data as Float32Array).subarray(((d * K + t) * n + i) * width, ((d * K + t) * n + i + 1) * width));
      return values;
    };
    for (const [output, fixture] of [
      ['outputs_coord_unsig', 'first.w0.outputs_coord_unsig.npy'],
      ['outputs_class', 'first.w0.outputs_class.npy'],
      ['hs', 'first.w0.hs.npy'],
    ] as const) {
      const report = compareClose(trackedEntries(sub[output]!), trackedEntries(selectPoints(npy(fixture), 2, tracked)), DECODER_WINDOW_TOLERANCE);
      expect(report.ok, `${output} (N = ${tracked.length}): ${report.message}`).toBe(true);
    }
  });

  it('dynamic N = 5: five points alone equal the same five among untracked filler points', async () => {
    const trackMask = feeds['track_mask']!.data as Uint8Array;
    const tracked = Array.from({ length: N }, (_, n) => n).filter((n) => trackMask.subarray(n * K, (n + 1) * K).some((v) => v === 1));
    const untracked = Array.from({ length: N }, (_, n) => n).filter((n) => !tracked.includes(n));
    const five = tracked.slice(0, 5);
    const pick = (points: number[]) => ({
      memory: feeds['memory']!,
      content: selectPoints(feeds['content']!, 1, points),
      ref_unsig: selectPoints(feeds['ref_unsig']!, 1, points),
      track_mask: selectPoints(feeds['track_mask']!, 0, points),
      update_mask: selectPoints(feeds['update_mask']!, 0, points),
      init_content: selectPoints(feeds['init_content']!, 1, points),
    });
    const alone = await runOnnx(model, pick(five));
    const mixed = await runOnnx(model, pick([...untracked.slice(0, 3), ...five, ...untracked.slice(3)]));
    const positions = five.map((_, i) => 3 + i);
    for (const output of ['ref_unsig_out', 'vis_logits', 'content_out']) {
      expect(alone[output]!.dims).toEqual([K, 5, output === 'content_out' ? config.hiddenDim : output === 'vis_logits' ? 3 : 4]);
      const report = compareClose(alone[output]!, selectPoints(mixed[output]!, 1, positions), { atol: 1e-5 });
      expect(report.ok, `${output}: ${report.message}`).toBe(true);
    }
  });

  it("crossAttention 'sample-first' (raw memory gathered at the corners, value_proj after sampling) reproduces the fixtures too", async () => {
    const out = await runOnnx(buildDecoderWindowGraph(stateDict, config, { debugOutputs: true, crossAttention: 'sample-first' }), feeds, { threads: 2 });
    for (const [output, fixture] of cases) {
      const report = compareClose(out[output]!, npy(fixture), DECODER_WINDOW_TOLERANCE);
      if (process.env['TAPTR_REPORT_ERRORS'])
        process.stderr.write(`decoder_window (sample-first) ${output}: max |err| ${report.maxAbsError.toExponential(2)}\n`);
      expect(report.ok, `${output}: ${report.message}`).toBe(true);
    }
    expect(compareClose(out['content_out']!, full['content_out']!, DECODER_WINDOW_TOLERANCE).ok).toBe(true);
  });

  it("crossAttention 'sample-first' with correlation 'volume' reproduces the last-layer outputs", async () => {
    const out = await runOnnx(buildDecoderWindowGraph(stateDict, config, { crossAttention: 'sample-first', correlation: 'volume' }), feeds, { threads: 2 });
    for (const output of ['ref_unsig_out', 'vis_logits', 'content_out']) {
      const report = compareClose(out[output]!, full[output]!, DECODER_WINDOW_TOLERANCE);
      expect(report.ok, `${output}: ${report.message}`).toBe(true);
    }
  });

  it('has exactly the spec §13 inputs and outputs without debug outputs', async () => {
    const plain = await runOnnx(buildDecoderWindowGraph(stateDict, config), feeds);
    expect(Object.keys(plain).sort()).toEqual(['content_out', 'ref_unsig_out', 'vis_logits']);
    expect(compareClose(plain['ref_unsig_out']!, full['ref_unsig_out']!, { atol: 0 }).ok).toBe(true);
  });

  it('names a missing parameter', () => {
    const partial = new Map(stateDict);
    partial.delete('transformer.decoder.layers.0.corr_fuser.0.weight');
    let error: unknown;
    try {
      buildDecoderWindowGraph(partial, config);
    } catch (e) {
      error = e;
    }
    expect(isTaptrError(error, 'TAPTR_CHECKPOINT_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain('transformer.decoder.layers.0.corr_fuser.0.weight');
  });
});
