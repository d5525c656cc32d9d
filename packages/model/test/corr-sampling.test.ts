// SPDX-License-Identifier: Apache-2.0
// The two correlation sources of G3 (spec §7) agree everywhere, borders included: the per-point
// patches of raw memory rows (`correlation: 'taps'`) and the full per-level volumes ('volume'), on
// the reference model (levels 32, 16, 8, 4 at 128 x 128: the last level is narrower than a patch).
import { tensor } from '@taptr/tensor';
import { compareClose, loadNpy } from '@taptr/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaptrConfig } from '../src/config/index.js';
import type { StateDict } from '../src/graphs/blocks/state-dict.js';
import { CORR_TAPS } from '../src/graphs/corr-sampling.js';
import { buildDecoderWindowGraph } from '../src/graphs/decoder-window.js';
import { loadReferenceConfig, loadReferenceStateDict } from './decoder-state-dict.js';
import { TAPTR_FIXTURES } from './fixture-dir.js';
import { DECODER_WINDOW_TOLERANCE } from './reference-tolerances.js';
import { runOnnx } from './run-onnx.js';

describe('correlation taps (patches of memory rows) vs the correlation volume', () => {
  let config: TaptrConfig;
  let stateDict: StateDict;

  beforeAll(() => {
    config = loadReferenceConfig();
    stateDict = loadReferenceStateDict();
  });

  it('has 7x7 taps per level (radius 3)', () => {
    expect(CORR_TAPS).toBe(49);
  });

  it('give the same correlation features at references on the borders, in the corners and at integer pixels', async () => {
    const memory = loadNpy(TAPTR_FIXTURES, 'first.memory_w0.npy');
    const tgt = loadNpy(TAPTR_FIXTURES, 'first.w0.tgt.npy');
    const [K, , C] = tgt.dims as [number, number, number];
    const h0 = config.resolution / 4;
    // Sigmoid-space positions: extremes, exact level-0 pixels (and just below / above), level centres.
    const positions = [1e-3, 0.999, 0.5, 1 / (h0 - 1), 3 / (h0 - 1), Math.fround(7 / (h0 - 1)) - 1e-7, 8 / (h0 - 1) + 1e-7, 0.25, 0.75, 0.123, 0.987, 0.02];
    const N = positions.length * 2;
    const logit = (p: number) => Math.log(p / (1 - p));
    const refUnsig = new Float32Array(K * N * 4);
    for (let t = 0; t < K; t++)
      for (let n = 0; n < N; n++) {
        const i = n % positions.length;
        const x = positions[i]!;
        const y = n < positions.length ? positions[(i + 3 + t) % positions.length]! : x;
        refUnsig.set([logit(x), logit(y), 0, 0], (t * N + n) * 4);
      }
    const content = new Float32Array(K * N * C);
    const src = tgt.data as Float32Array;
    const pointsInFixture = tgt.dims[1]!;
    for (let t = 0; t < K; t++)
      for (let n = 0; n < N; n++)
        content.set(src.subarray((t * pointsInFixture + (n % pointsInFixture)) * C, (t * pointsInFixture + (n % pointsInFixture) + 1) * C), (t * N + n) * C);
    const ones = new Uint8Array(N * K).fill(1);
    const feeds = {
      memory,
      content: tensor('float32', [K, N, C], content),
      ref_unsig: tensor('float32', [K, N, 4], refUnsig),
      track_mask: tensor('bool', [N, K], ones),
      update_mask: tensor('bool', [N, K], ones),
      init_content: tensor('float32', [K, N, C], content),
    };
    const taps = await runOnnx(buildDecoderWindowGraph(stateDict, config, { debugOutputs: true, correlation: 'taps' }), feeds);
    const volume = await runOnnx(buildDecoderWindowGraph(stateDict, config, { debugOutputs: true, correlation: 'volume' }), feeds);
    const perLayer = K * N * config.numFeatureLevels * CORR_TAPS;
    const first = (v: { data: unknown }) => tensor('float32', [perLayer], (v.data as Float32Array).slice(0, perLayer));
    // Layer 0 samples at the given references: only float rounding may differ.
    const layer0 = compareClose(first(taps['corr_feats']!), first(volume['corr_feats']!), { atol: 1e-5 });
    expect(layer0.ok, `corr_feats layer 0: ${layer0.message}`).toBe(true);
    // One window's tolerance, magnitude-aware: ref_unsig_out holds logits up to logit(0.999) = 6.9 plus the deltas.
    for (const output of ['corr_feats', 'ref_unsig_out', 'vis_logits', 'content_out']) {
      const report = compareClose(taps[output]!, volume[output]!, DECODER_WINDOW_TOLERANCE);
      expect(report.ok, `${output}: ${report.message}`).toBe(true);
    }
  });
});
