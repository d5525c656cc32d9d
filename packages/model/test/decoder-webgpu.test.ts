// SPDX-License-Identifier: Apache-2.0
// G2 query_init and G3 decoder_window (reference fixture model) on onnxruntime-node's WebGPU execution
// provider through @taptr/runtime-node. In CI and wherever a Vulkan ICD is installed a missing WebGPU adapter is a failure; elsewhere the
// tests are reported as skipped with the reason. SwiftShader is ~500x slower than the CPU EP: the fixture
// model is tiny, and only one window runs.
import { createNodeRuntime } from '@taptr/runtime-node';
import { tensor, type TensorView } from '@taptr/tensor';
import { compareClose, loadNpy, webgpuTestsRequired } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { buildDecoderWindowGraph } from '../src/graphs/decoder-window.js';
import { buildQueryInitGraph } from '../src/graphs/query-init.js';
import { loadReferenceConfig, loadReferenceStateDict } from './decoder-state-dict.js';
import { TAPTR_FIXTURES } from './fixture-dir.js';
import { DECODER_WINDOW_TOLERANCE, QUERY_FEATURE_TOLERANCE } from './reference-tolerances.js';

const runtime = createNodeRuntime({ executionProvider: 'webgpu' });
const reason = await runtime.unsupportedReason?.();
const gpu = webgpuTestsRequired();
const npy = (name: string) => loadNpy(TAPTR_FIXTURES, name);
const skip = reason !== undefined && !gpu.required;
const title = (t: string) => (skip ? `${t} (skipped: no WebGPU adapter: ${reason})` : t);

async function run(model: Uint8Array, feeds: Record<string, TensorView>): Promise<Record<string, TensorView>> {
  if (reason !== undefined) throw new Error(`WebGPU unavailable: ${reason}`);
  const session = await runtime.createSession(model, { logId: 'webgpu-test' });
  try {
    const out = await session.run(
      Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, runtime.tensors.tensor(v.type as 'float32', v.data as Float32Array, v.dims)])),
    );
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, dims: [...t.dims], data: t.data } as TensorView]));
  } finally {
    await session.release();
  }
}

describe('G2/G3 on the onnxruntime-node WebGPU EP', () => {
  it.skipIf(skip)(
    title('query_init reproduces first.query_feat for the frame-0 queries'),
    async () => {
      const config = loadReferenceConfig();
      const memory = npy('first.memory_w0.npy');
      const [, S, C] = memory.dims as [number, number, number];
      const frames = Array.from(npy('first.query_frames.npy').data as Int32Array);
      const points = frames.flatMap((q, n) => (q === 0 ? [n] : []));
      expect(points.length).toBeGreaterThan(0);
      const pick = (v: TensorView, w: number) =>
        tensor('float32', [points.length, w], Float32Array.from(points.flatMap((n) => Array.from((v.data as Float32Array).subarray(n * w, (n + 1) * w)))));
      const out = await run(buildQueryInitGraph(loadReferenceStateDict(), config), {
        memory: tensor('float32', [1, S, C], (memory.data as Float32Array).slice(0, S * C)),
        xy_norm: pick(npy('first.query_xy_norm.npy'), 2),
      });
      const report = compareClose(out['content']!, pick(npy('first.query_feat.npy'), C), QUERY_FEATURE_TOLERANCE);
      expect(report.ok, report.message).toBe(true);
    },
    120_000,
  );

  it.skipIf(skip)(
    title('decoder_window reproduces the window-0 last-layer outputs'),
    async () => {
      const config = loadReferenceConfig();
      const tgt = npy('first.w0.tgt.npy');
      const [K, N, C] = tgt.dims as [number, number, number];
      const feat = npy('first.query_feat.npy').data as Float32Array;
      const init = new Float32Array(K * N * C);
      for (let t = 0; t < K; t++) init.set(feat, t * N * C);
      const tracking = npy('first.pt_tracking_mask.npy');
      const T = tracking.dims[1]!;
      // w0 is the first decoded window (first.windows[0]), which starts later when no point is updated in frames 0..K-1.
      const start = Number((npy('first.windows.npy').data as BigInt64Array)[0]);
      const track = new Uint8Array(N * K);
      for (let n = 0; n < N; n++) for (let t = 0; t < K; t++) track[n * K + t] = (tracking.data as Uint8Array)[n * T + start + t]!;
      const out = await run(buildDecoderWindowGraph(loadReferenceStateDict(), config), {
        memory: npy('first.memory_w0.npy'),
        content: tgt,
        ref_unsig: npy('first.w0.ref_unsig.npy'),
        track_mask: tensor('bool', [N, K], track),
        update_mask: npy('first.w0.update_mask.npy'),
        init_content: tensor('float32', [K, N, C], init),
      });
      const last = (name: string) => {
        const v = npy(name);
        const size = v.data.length / v.dims[0]!;
        return tensor('float32', v.dims.slice(1), (v.data as Float32Array).slice(-size));
      };
      for (const [output, fixture] of [
        ['ref_unsig_out', 'first.w0.outputs_coord_unsig.npy'],
        ['vis_logits', 'first.w0.outputs_class.npy'],
      ] as const) {
        // atol + rtol * |expected|: ref_unsig_out holds location logits up to |x| ~ 7-8.
        const report = compareClose(out[output]!, last(fixture), DECODER_WINDOW_TOLERANCE);
        expect(report.ok, `${output}: ${report.message}`).toBe(true);
      }
    },
    300_000,
  );
});
