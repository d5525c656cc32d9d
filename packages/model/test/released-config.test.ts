// SPDX-License-Identifier: Apache-2.0
// The released configuration (spec §14.1) with a synthetic state dict: parameter count and one G1 run
// at 512x512 in onnxruntime-node.
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { countParameters, expectedStateDictShapes } from '../src/checkpoint/state-dict-layout.js';
import { syntheticStateDict } from '../src/checkpoint/synthetic-state-dict.js';
import { checkStateDict } from '../src/checkpoint/taptr-checkpoint.js';
import { memoryTokens, RELEASED_CONFIG } from '../src/config/taptr-config.js';
import { buildDecoderWindowGraph } from '../src/graphs/decoder-window.js';
import { buildFrameEncoder } from '../src/graphs/frame-encoder.js';
import { buildQueryInitGraph } from '../src/graphs/query-init.js';
import { runOnnx } from './run-onnx.js';

describe('released configuration', () => {
  const stateDict = syntheticStateDict(RELEASED_CONFIG);

  it('has exactly 41,068,522 parameters (+106,240 FrozenBN buffers) in the official layout', () => {
    const layout = expectedStateDictShapes(RELEASED_CONFIG);
    expect(countParameters(layout)).toEqual({ parameters: 41_068_522, frozenBnBuffers: 106_240 });
    checkStateDict(stateDict, RELEASED_CONFIG);
    // Counting the synthetic tensors themselves (aliases share their module's tensor) gives the same.
    const unique = new Set(stateDict.values());
    const buffers = layout.filter((e) => e.kind === 'frozen-bn').map((e) => stateDict.get(e.key)!);
    let total = 0;
    for (const t of unique) if (!buffers.includes(t)) total += t.data.length;
    expect(total).toBe(41_068_522);
    // Spec §14.1 component sums.
    const sum = (re: RegExp) => layout.filter((e) => e.kind === 'parameter' && re.test(e.key)).reduce((s, e) => s + e.dims.reduce((a, b) => a * b, 1), 0);
    expect(sum(/^backbone\./)).toBe(23_454_912);
    expect(sum(/^input_proj\./)).toBe(986_112);
    expect(sum(/^transformer\.encoder\./)).toBe(2_564_352);
    expect(sum(/^transformer\.decoder\.layers\./)).toBe(11_947_776);
    expect(sum(/^bbox_embed\./)).toBe(795_672);
    expect(sum(/^class_embed\./)).toBe(4_626);
  });

  it('its G1 frame_encoder loads in onnxruntime-node and runs at 512x512 (B = 1)', async () => {
    const model = buildFrameEncoder(stateDict, RELEASED_CONFIG, { batch: 1 });
    const R = RELEASED_CONFIG.resolution;
    const image = new Float32Array(3 * R * R);
    for (let i = 0; i < image.length; i++) image[i] = Math.sin(i * 0.001) * 2;
    const out = await runOnnx(model, { image: tensor('float32', [1, 3, R, R], image) }, { threads: 2 });
    expect(out.memory!.dims).toEqual([1, memoryTokens(RELEASED_CONFIG), RELEASED_CONFIG.hiddenDim]);
    expect((out.memory!.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('its G2 query_init and G3 decoder_window load and run at 512x512 with N = 16', async () => {
    const C = RELEASED_CONFIG.hiddenDim;
    const S = memoryTokens(RELEASED_CONFIG);
    const K = RELEASED_CONFIG.slidingWindowSize;
    const N = 16;
    const memory = new Float32Array(K * S * C);
    for (let i = 0; i < memory.length; i += 7) memory[i] = Math.sin(i);
    const xy = Float32Array.from({ length: 2 * N }, (_, i) => (i * 0.37) % 1);
    const init = await runOnnx(buildQueryInitGraph(stateDict, RELEASED_CONFIG), {
      memory: tensor('float32', [1, S, C], memory.subarray(0, S * C)),
      xy_norm: tensor('float32', [N, 2], xy),
    });
    expect(init.content!.dims).toEqual([N, C]);
    const content = new Float32Array(K * N * C);
    const ref = new Float32Array(K * N * 4);
    for (let t = 0; t < K; t++) {
      content.set(init.content!.data as Float32Array, t * N * C);
      ref.set(init.ref_unsig!.data as Float32Array, t * N * 4);
    }
    const track = new Uint8Array(N * K).fill(1);
    const update = Uint8Array.from({ length: N * K }, (_, i) => (i % K === 0 ? 0 : 1));
    const out = await runOnnx(
      buildDecoderWindowGraph(stateDict, RELEASED_CONFIG),
      {
        memory: tensor('float32', [K, S, C], memory),
        content: tensor('float32', [K, N, C], content),
        ref_unsig: tensor('float32', [K, N, 4], ref),
        track_mask: tensor('bool', [N, K], track),
        update_mask: tensor('bool', [N, K], update),
        init_content: tensor('float32', [K, N, C], content),
      },
      { threads: 2 },
    );
    expect(out.ref_unsig_out!.dims).toEqual([K, N, 4]);
    expect(out.vis_logits!.dims).toEqual([K, N, 3]);
    expect(out.content_out!.dims).toEqual([K, N, C]);
    for (const v of Object.values(out)) expect((v.data as Float32Array).every(Number.isFinite)).toBe(true);
  });
});
