// SPDX-License-Identifier: Apache-2.0
// G3 decoder_window against the official model's window-0 fixtures (spec §7-§9): fed with the
// fixture's own window-0 inputs, every intermediate and output must match first.w0.* (README
// tolerance for one decoder window: 1e-4 absolute). N is read from the .npy headers.
import { tensor, type TensorView } from '@taptr/tensor';
import { compareClose, loadJson, loadNpy } from '@taptr/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTaptrConfig, type TaptrConfig } from '../src/config/index.js';
import { buildDecoderWindowGraph } from '../src/graphs/decoder-window.js';
import { loadReferenceStateDict } from './decoder-state-dict.js';
import { TAPTR_FIXTURES } from './fixture-dir.js';
import { runOnnx } from './run-onnx.js';

const npy = (name: string) => loadNpy(TAPTR_FIXTURES, name);
const WINDOW_TOLERANCE = 1e-4;

/** Columns [start, start+K) of a row-major [N, T] bool tensor. */
function windowColumns(mask: TensorView, start: number, K: number): TensorView<'bool'> {
  const [N, T] = mask.dims as [number, number];
  const out = new Uint8Array(N * K);
  for (let n = 0; n < N; n++) for (let t = 0; t < K; t++) out[n * K + t] = (mask.data as Uint8Array)[n * T + start + t]!;
  return tensor('bool', [N, K], out);
}

describe('decoder_window graph (G3) vs the official window-0 fixtures', () => {
  let config: TaptrConfig;
  let outputs: Record<string, TensorView>;
  let K: number;

  beforeAll(async () => {
    config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
    const model = buildDecoderWindowGraph(loadReferenceStateDict(), config, { debugOutputs: true });
    const windows = npy('first.windows.npy');
    const start = Number((windows.data as BigInt64Array)[0]);
    const tgt = npy('first.w0.tgt.npy');
    K = tgt.dims[0]!;
    const [N, C] = [tgt.dims[1]!, tgt.dims[2]!];
    // INIT: the initial content feature of every point, the same for every frame.
    const feat = npy('first.query_feat.npy').data as Float32Array;
    const init = new Float32Array(K * N * C);
    for (let t = 0; t < K; t++) init.set(feat, t * N * C);
    outputs = await runOnnx(model, {
      memory: npy('first.memory_w0.npy'),
      content: tgt,
      ref_unsig: npy('first.w0.ref_unsig.npy'),
      track_mask: windowColumns(npy('first.pt_tracking_mask.npy'), start, K),
      update_mask: npy('first.w0.update_mask.npy'),
      init_content: tensor('float32', [K, N, C], init),
    }, { threads: 2 });
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
  for (const [output, fixture] of cases) {
    it(`${output} matches ${fixture}`, () => {
      const report = compareClose(outputs[output]!, npy(fixture), { atol: WINDOW_TOLERANCE });
      console.log(output, report.maxAbsError);
      expect(report.ok, `${output}: ${report.message}`).toBe(true);
    });
  }
});
