// SPDX-License-Identifier: Apache-2.0
// G1 `frame_encoder` parity against the official model's intermediates (fixture README tolerances:
// backbone/encoder outputs 1e-3 absolute, ENCODER_TOLERANCE). Sizes come from the config and .npy headers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGraphBuilder } from '@taptr/onnx';
import { tensor, type TensorView } from '@taptr/tensor';
import { compareClose, compareExact, loadJson, loadNpy, type CloseOptions } from '@taptr/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTaptrCheckpoint } from '../src/checkpoint/taptr-checkpoint.js';
import { featureLevelShapes, parseTaptrConfig } from '../src/config/taptr-config.js';
import { buildFrameEncoder } from '../src/graphs/frame-encoder.js';
import { levelPositionEmbedding, levelPositionEmbeddingNode, sinePositionEmbedding } from '../src/graphs/position-embedding.js';
import { TAPTR_FIXTURES } from './fixture-dir.js';
import { ENCODER_TOLERANCE } from './reference-tolerances.js';
import { runOnnx } from './run-onnx.js';

const config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
const stateDict = readTaptrCheckpoint(new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth'))), { config });
const levels = featureLevelShapes(config);

function expectClose(actual: TensorView | undefined, expected: TensorView, tolerance: CloseOptions, what: string): void {
  expect(actual, what).toBeDefined();
  expect(actual!.dims, what).toEqual(expected.dims);
  const report = compareClose(actual!.data, expected.data, tolerance);
  expect(report.ok, `${what}: ${report.message}`).toBe(true);
}

/** Frame `index` of a [B, ...] float32 tensor. */
function frame(view: TensorView, index: number): TensorView {
  const per = view.data.length / view.dims[0]!;
  return tensor('float32', [1, ...view.dims.slice(1)], (view.data as Float32Array).slice(index * per, (index + 1) * per));
}

describe('positional and level embeddings (spec §4)', () => {
  it('sinePositionEmbedding matches first.pos_l*', () => {
    levels.forEach((level, l) => {
      const expected = loadNpy(TAPTR_FIXTURES, `first.pos_l${l}.npy`);
      expectClose(
        sinePositionEmbedding(level.h, level.w, config.hiddenDim / 2, config.peTemperatureH, config.peTemperatureW),
        expected,
        { atol: 1e-5 },
        `pos_l${l}`,
      );
    });
  });

  it('levelPositionEmbedding matches first.lvl_pos_embed', () => {
    const actual = levelPositionEmbedding(
      levels,
      stateDict.get('transformer.level_embed') as TensorView<'float32'>,
      config.peTemperatureH,
      config.peTemperatureW,
    );
    expectClose(actual, loadNpy(TAPTR_FIXTURES, 'first.lvl_pos_embed.npy'), { atol: 1e-5 }, 'lvl_pos_embed');
  });

  it('the factored in-graph lvl_pos_embed equals levelPositionEmbedding bit for bit', async () => {
    const levelEmbed = stateDict.get('transformer.level_embed') as TensorView<'float32'>;
    const g = createGraphBuilder();
    const dummy = g.input('dummy', 'float32', [1]);
    g.output(
      g.add(levelPositionEmbeddingNode(g, levels, levelEmbed, config.peTemperatureH, config.peTemperatureW), g.mul(dummy, g.constFloat(0))),
      'pos',
      'float32',
    );
    const out = await runOnnx(g.toModelBytes(), { dummy: tensor('float32', [1], Float32Array.of(0)) });
    const expected = levelPositionEmbedding(levels, levelEmbed, config.peTemperatureH, config.peTemperatureW);
    const report = compareExact(out.pos!.data, expected.data);
    expect(report.ok, report.message).toBe(true);
  });
});

describe('G1 frame_encoder (onnxruntime-node)', () => {
  const input = loadNpy(TAPTR_FIXTURES, 'first.model_input_kept.npy');
  let out: Record<string, TensorView>;
  beforeAll(async () => {
    out = await runOnnx(buildFrameEncoder(stateDict, config, { debugOutputs: true }), { image: input }, { threads: 2 });
  });

  it('backbone stage outputs match first.backbone_l*', () => {
    for (let l = 0; l < levels.length; l++)
      expectClose(out[`backbone_l${l}`], loadNpy(TAPTR_FIXTURES, `first.backbone_l${l}.npy`), ENCODER_TOLERANCE, `backbone_l${l}`);
  });

  it('input projections match first.src_l*', () => {
    for (let l = 0; l < levels.length; l++) expectClose(out[`src_l${l}`], loadNpy(TAPTR_FIXTURES, `first.src_l${l}.npy`), ENCODER_TOLERANCE, `src_l${l}`);
  });

  it('memory matches first.memory_qframes and frame 0 of first.memory_w0', () => {
    expectClose(out.memory, loadNpy(TAPTR_FIXTURES, 'first.memory_qframes.npy'), ENCODER_TOLERANCE, 'memory_qframes');
    const frames = Array.from(loadNpy(TAPTR_FIXTURES, 'first.frames_kept.npy').data as BigInt64Array, Number);
    const k = frames.indexOf(0);
    expect(k).toBeGreaterThanOrEqual(0);
    expectClose(frame(out.memory!, k), frame(loadNpy(TAPTR_FIXTURES, 'first.memory_w0.npy'), 0), ENCODER_TOLERANCE, 'memory_w0[0]');
  });

  it('the graph without debug outputs has a fixed-batch variant that gives the same memory', async () => {
    const single = await runOnnx(buildFrameEncoder(stateDict, config, { batch: 1 }), { image: frame(input, 1) }, { threads: 2 });
    expect(Object.keys(single)).toEqual(['memory']);
    expectClose(single.memory, frame(loadNpy(TAPTR_FIXTURES, 'first.memory_qframes.npy'), 1), ENCODER_TOLERANCE, 'memory (B = 1)');
  });

  it('all frames of window 0 (batch of K = 8 from video.npy) match first.memory_w0', async () => {
    const memoryW0 = loadNpy(TAPTR_FIXTURES, 'first.memory_w0.npy');
    const K = memoryW0.dims[0]!;
    const video = loadNpy(TAPTR_FIXTURES, 'video.npy');
    const images = preprocessFrames(video, K, config.resolution);
    // The test's own preprocessing reproduces the official network input of the kept frames.
    const frames = Array.from(loadNpy(TAPTR_FIXTURES, 'first.frames_kept.npy').data as BigInt64Array, Number);
    frames.forEach((t, k) => {
      if (t >= K) return;
      const report = compareClose(frame(images, t).data, frame(input, k).data, { atol: 1e-5 });
      expect(report.ok, `preprocessing of frame ${t}: ${report.message}`).toBe(true);
    });
    const out8 = await runOnnx(buildFrameEncoder(stateDict, config), { image: images }, { threads: 2 });
    expectClose(out8.memory, memoryW0, ENCODER_TOLERANCE, 'memory_w0');
  });
});

/**
 * Spec §2 preprocessing of the first `count` frames of a [T, H, W, 3] uint8 video: /255, bilinear
 * resize to R x R (align_corners=False, no antialias, float32 like torch's CPU kernel), ImageNet
 * normalization. Returns [count, 3, R, R].
 */
function preprocessFrames(video: TensorView, count: number, R: number): TensorView {
  const [, H, W] = video.dims as [number, number, number, number];
  const f = Math.fround;
  const mean = [0.485, 0.456, 0.406].map(f);
  const std = [0.229, 0.224, 0.225].map(f);
  const taps = (out: number, inp: number) => {
    const scale = f(inp / out);
    return Array.from({ length: out }, (_, i) => {
      const src = Math.max(f(f(scale * f(i + 0.5)) - 0.5), 0);
      const i0 = Math.floor(src);
      const l1 = f(src - i0);
      return { i0, i1: Math.min(i0 + 1, inp - 1), l0: f(1 - l1), l1 };
    });
  };
  const ys = taps(R, H);
  const xs = taps(R, W);
  const data = video.data as Uint8Array;
  const out = new Float32Array(count * 3 * R * R);
  for (let t = 0; t < count; t++)
    for (let c = 0; c < 3; c++) {
      const px = (y: number, x: number) => f(data[((t * H + y) * W + x) * 3 + c]! / 255);
      for (let i = 0; i < R; i++) {
        const { i0: y0, i1: y1, l0: h0, l1: h1 } = ys[i]!;
        for (let j = 0; j < R; j++) {
          const { i0: x0, i1: x1, l0: w0, l1: w1 } = xs[j]!;
          const top = f(f(w0 * px(y0, x0)) + f(w1 * px(y0, x1)));
          const bottom = f(f(w0 * px(y1, x0)) + f(w1 * px(y1, x1)));
          const v = f(f(h0 * top) + f(h1 * bottom));
          out[((t * 3 + c) * R + i) * R + j] = f(f(v - mean[c]!) / std[c]!);
        }
      }
    }
  return tensor('float32', [count, 3, R, R], out);
}
