// SPDX-License-Identifier: Apache-2.0
// G2 query_init against the official model's fixtures (spec §6): first.query_sampled / first.query_feat
// from first.memory_qframes and first.query_xy_norm.
import { tensor, type TensorView } from '@taptr/tensor';
import { compareClose, loadJson, loadNpy } from '@taptr/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTaptrConfig, type TaptrConfig } from '../src/config/index.js';
import { buildQueryInitGraph } from '../src/graphs/query-init.js';
import { loadReferenceStateDict } from './decoder-state-dict.js';
import { TAPTR_FIXTURES } from './fixture-dir.js';
import { QUERY_FEATURE_TOLERANCE } from './reference-tolerances.js';
import { runOnnx } from './run-onnx.js';

const npy = (name: string) => loadNpy(TAPTR_FIXTURES, name);

describe('query_init graph (G2) vs the official fixtures', () => {
  let config: TaptrConfig;
  let model: Uint8Array;
  let framesKept: number[];
  let queryFrames: number[];
  let xy: TensorView;
  let memory: TensorView;

  beforeAll(() => {
    config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
    model = buildQueryInitGraph(loadReferenceStateDict(), config, { debugOutputs: true });
    framesKept = Array.from(npy('first.frames_kept.npy').data as BigInt64Array, Number);
    queryFrames = Array.from(npy('first.query_frames.npy').data as Int32Array);
    xy = npy('first.query_xy_norm.npy');
    memory = npy('first.memory_qframes.npy');
  });

  it('reproduces query_sampled and query_feat for every point whose query frame has a memory fixture (N from the .npy headers)', async () => {
    const [, S, C] = memory.dims as [number, number, number];
    // Memories available per frame: first.memory_qframes (frames_kept) and first.memory_w0 (frames 0..K-1).
    const sources = new Map<number, Float32Array>();
    const w0 = npy('first.memory_w0.npy');
    for (let t = 0; t < w0.dims[0]!; t++) sources.set(t, (w0.data as Float32Array).subarray(t * S * C, (t + 1) * S * C));
    framesKept.forEach((frame, k) => sources.set(frame, (memory.data as Float32Array).subarray(k * S * C, (k + 1) * S * C)));
    const expectedSampled = npy('first.query_sampled.npy');
    const expectedFeat = npy('first.query_feat.npy');
    const expectedRef = npy('first.init_ref_unsig.npy');
    let checked = 0;
    for (const [frame, frameMemory] of sources) {
      const points = queryFrames.flatMap((q, n) => (q === frame ? [n] : []));
      if (points.length === 0) continue;
      const sub = (src: TensorView, width: number) =>
        tensor(
          'float32',
          [points.length, width],
          Float32Array.from(points.flatMap((n) => Array.from((src.data as Float32Array).subarray(n * width, (n + 1) * width)))),
        );
      const out = await runOnnx(model, {
        memory: tensor('float32', [1, S, C], frameMemory.slice()),
        xy_norm: sub(xy, 2),
      });
      const L = expectedSampled.dims[1]!;
      const sampled = compareClose(out['query_sampled']!, sub(expectedSampled, L), QUERY_FEATURE_TOLERANCE);
      expect(sampled.ok, `query_sampled (frame ${frame}): ${sampled.message}`).toBe(true);
      const feat = compareClose(out['content']!, sub(expectedFeat, C), QUERY_FEATURE_TOLERANCE);
      expect(feat.ok, `query_feat (frame ${frame}): ${feat.message}`).toBe(true);
      // Absolute: inverse_sigmoid with eps 1e-3 clamping is bounded by ln(999) = 6.9, computed from the same float32 input.
      const ref = compareClose(out['ref_unsig']!, sub(expectedRef, 4), { atol: 1e-5 });
      expect(ref.ok, `init_ref_unsig (frame ${frame}): ${ref.message}`).toBe(true);
      checked += points.length;
      if (process.env['TAPTR_REPORT_ERRORS'])
        process.stderr.write(
          `query_init frame ${frame}: query_sampled ${sampled.maxAbsError.toExponential(2)}, query_feat ${feat.maxAbsError.toExponential(2)}\n`,
        );
    }
    expect(checked).toBeGreaterThan(0);
  });
});
