// SPDX-License-Identifier: Apache-2.0
// The released configuration (spec §14.1) with a synthetic state dict: parameter count and one G1 run
// at 512x512 in onnxruntime-node.
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { countParameters, expectedStateDictShapes } from '../src/checkpoint/state-dict-layout.js';
import { syntheticStateDict } from '../src/checkpoint/synthetic-state-dict.js';
import { checkStateDict } from '../src/checkpoint/taptr-checkpoint.js';
import { memoryTokens, RELEASED_CONFIG } from '../src/config/taptr-config.js';
import { buildFrameEncoder } from '../src/graphs/frame-encoder.js';
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
});
