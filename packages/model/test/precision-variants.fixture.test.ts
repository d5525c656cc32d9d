// SPDX-License-Identifier: Apache-2.0
// The opt-in numeric variants (issue 9) on the reference model: structure (what is quantized, what
// onnxruntime runs) and their expected deviation from the fp32 graphs. Not a parity test: the bounds
// are the variants' accuracy contract (package README, "Accuracy contract of the approximate
// variants"): each estimated below and at least 2x the worst figure measured on an AVX2-only CPU, on an
// AVX-512 VNNI CPU and under 1-ulp float32 perturbations of the inputs or weights
// (`benchmarks/src/precision-envelope.ts --graph-level`).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeOnnxModel, quantizeDynamic } from '@taptr/onnx';
import { tensor, type TensorView } from '@taptr/tensor';
import { loadJson, loadNpy } from '@taptr/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTaptrCheckpoint } from '../src/checkpoint/taptr-checkpoint.js';
import { parseTaptrConfig } from '../src/config/taptr-config.js';
import type { TaptrGraphs } from '../src/format/graph-roles.js';
import { buildTaptrGraphs } from '../src/graphs/taptr-graphs.js';
import { applyTaptrPrecision, taptrInt8Options } from '../src/graphs/taptr-precision.js';
import { TAPTR_FIXTURES } from './fixture-dir.js';
import { runOnnx } from './run-onnx.js';

// Expected deviation of the int8 encoder memory, relative RMS (‖Δ‖₂ / ‖memory‖₂). One quantized
// MatMul adds two uniform rounding noises, activation step r_x/255 (per tensor, uint8) and weight step
// max|w|/127 per output channel, each of RMS step/√12: with r_x/σ_x ≈ 8 (LayerNorm outputs with
// outliers) and max|w|/σ_w ≈ √3 (Xavier-uniform) that is √((8/255)² + (1.7/127)²)/√12 ≈ 1.0% of the
// output (1.2% with 7-bit weights). The encoder's 5 quantized MatMuls per layer sit on a residual path
// with LayerNorms, so the noises add roughly in quadrature over the two layers of this model: ≈ 2%.
// Measured 2.2% on the fixture frames (u8u8).
// contract: 2x worst of AVX2 (2.2%, rounded), AVX-512 VNNI (2.21%) and the 1-ulp envelope (2.21%), see README
const INT8_MEMORY_REL_RMS = 0.045;
// fp16 weights: each weight rounded with relative error ≤ 2^-11 (RMS ≈ 2^-11/√3 ≈ 2.8e-4 per layer);
// through the 16-conv-deep ResNet with folded BatchNorm (amplifying layers) plus the encoder this
// accumulates to about √16·2.8e-4·(gain ≈ 2) ≈ 2e-3. Measured 2.8e-3 with the stem and layer1 kept in
// float32 (taptrFloat16Options; 1.0e-2 with them in float16).
// contract: >= 2x worst of AVX2 (2.8e-3, rounded), AVX-512 VNNI (2.75e-3) and the 1-ulp envelope (2.75e-3), see README
const FP16_MEMORY_REL_RMS = 6e-3;
// Decoder window with only the cross-attention value_proj in int8 (fp32 memory): the value rows are
// sampled, weighted and projected by float layers, so one MatMul's ≈1% noise reaches the offsets of
// the box head; in pixels of the 96-pixel fixture video a 1% relative error of the cross-attention
// output moves the predicted location by well under a pixel. Measured max 0.03 px.
// contract: 0.25 px, > 8x worst of AVX2 (0.03 px), AVX-512 VNNI (0.029) and the 1-ulp envelope (0.029); no visibility flip on any, see README
const INT8_DECODER_MAX_PX = 0.25;

const npy = (name: string): TensorView => loadNpy(TAPTR_FIXTURES, name);
const config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
const stateDict = readTaptrCheckpoint(new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth'))), { config });
const meta = loadJson<{ W: number; H: number }>(TAPTR_FIXTURES, 'meta.json');

/** Measured deviations, printed when TAPTR_REPORT_ERRORS is set (for the package README). */
const measured: Record<string, number> = {};
afterAll(() => {
  if (process.env['TAPTR_REPORT_ERRORS']) console.log(JSON.stringify({ precisionVariants: measured }, null, 1));
});

function relRms(actual: Float32Array, expected: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i]! - expected[i]!) ** 2;
    den += expected[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

function opCounts(model: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of decodeOnnxModel(model, 'opCounts').graph.node)
    counts[`${n.domain ? `${n.domain}.` : ''}${n.opType}`] = (counts[`${n.domain ? `${n.domain}.` : ''}${n.opType}`] ?? 0) + 1;
  return counts;
}

async function optimizedOpCounts(model: Uint8Array): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'taptr-variant-'));
  try {
    const path = join(dir, 'optimized.onnx');
    await (await ort.InferenceSession.create(model, { graphOptimizationLevel: 'extended', optimizedModelFilePath: path, intraOpNumThreads: 1 })).release();
    return opCounts(new Uint8Array(readFileSync(path)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let fp32: TaptrGraphs;
let int8: TaptrGraphs;
let fp16: TaptrGraphs;
beforeAll(() => {
  fp32 = buildTaptrGraphs(stateDict, config);
  int8 = applyTaptrPrecision(fp32, 'int8');
  fp16 = applyTaptrPrecision(fp32, 'fp16-weights');
});

describe('applyTaptrPrecision', () => {
  it('returns the fp32 graphs themselves and rejects unknown precisions', () => {
    expect(applyTaptrPrecision(fp32, 'fp32')).toBe(fp32);
    expect(int8.config).toBe(fp32.config);
    expect(() => applyTaptrPrecision(fp32, 'bf16' as 'fp32')).toThrow(RangeError);
  });
});

describe('int8 variant: structure', () => {
  it('quantizes the encoder MatMuls except sampling_offsets, no convolution, and only value_proj in the decoder', () => {
    const enc = quantizeDynamic(fp32.frameEncoder, taptrInt8Options('frameEncoder'));
    expect(enc.quantized).toHaveLength(5 * config.encLayers);
    expect(enc.kept.map((c) => c.weight).every((w) => w.includes('sampling_offsets'))).toBe(true);
    expect(opCounts(int8.frameEncoder)['Conv']).toBe(opCounts(fp32.frameEncoder)['Conv']);
    const dec = quantizeDynamic(fp32.decoderWindow, taptrInt8Options('decoderWindow'));
    expect(dec.quantized.map((c) => c.weight).every((w) => w.includes('cross_attn.value_proj'))).toBe(true);
    expect(dec.quantized).toHaveLength(config.decLayers);
    expect(int8.queryInit).toBe(fp32.queryInit);
    // The few-points decoder applies value_proj after sampling (N rows): kept float32.
    expect(fp32.decoderWindowSampleFirst).toBeDefined();
    expect(int8.decoderWindowSampleFirst).toBe(fp32.decoderWindowSampleFirst);
  });

  it('onnxruntime runs every quantized MatMul as one fused kernel (no MatMulInteger/Cast/Mul chain left)', async () => {
    const enc = await optimizedOpCounts(int8.frameEncoder);
    expect(enc['com.microsoft.DynamicQuantizeMatMul']).toBe(5 * config.encLayers);
    expect(enc['MatMulInteger'] ?? 0).toBe(0);
    expect(enc['DynamicQuantizeLinear'] ?? 0).toBe(0);
    // The decoder's value_proj layers all read `memory`: onnxruntime merges their identical
    // DynamicQuantizeLinear nodes (memory is quantized once per window) and runs MatMulIntegerToFloat.
    const dec = await optimizedOpCounts(int8.decoderWindow);
    expect((dec['com.microsoft.DynamicQuantizeMatMul'] ?? 0) + (dec['com.microsoft.MatMulIntegerToFloat'] ?? 0)).toBe(config.decLayers);
    expect(dec['MatMulInteger'] ?? 0).toBe(0);
  });
});

describe('variants vs fp32 on the reference model (expected deviation)', () => {
  const image = npy('first.model_input_kept.npy');
  let memory: Float32Array;
  beforeAll(async () => {
    memory = (await runOnnx(fp32.frameEncoder, { image }, { threads: 2 })).memory!.data as Float32Array;
  });

  it(`int8 encoder memory within ${INT8_MEMORY_REL_RMS * 100}% relative RMS`, async () => {
    const q = (await runOnnx(int8.frameEncoder, { image }, { threads: 2 })).memory!.data as Float32Array;
    measured['int8 memory relative RMS'] = relRms(q, memory);
    expect(relRms(q, memory)).toBeLessThan(INT8_MEMORY_REL_RMS);
  });

  it(`fp16-weights encoder memory within ${FP16_MEMORY_REL_RMS} relative RMS, files about half the size`, async () => {
    const h = (await runOnnx(fp16.frameEncoder, { image }, { threads: 2 })).memory!.data as Float32Array;
    measured['fp16-weights memory relative RMS'] = relRms(h, memory);
    expect(relRms(h, memory)).toBeLessThan(FP16_MEMORY_REL_RMS);
    for (const role of ['frameEncoder', 'queryInit', 'decoderWindow', 'decoderWindowSampleFirst'] as const) {
      const ratio = fp16[role]!.length / fp32[role]!.length;
      measured[`fp16-weights ${role} size ratio`] = ratio;
      expect(ratio, role).toBeLessThan(0.6);
    }
  });

  it(`int8 decoder window (value_proj) moves the window's locations by < ${INT8_DECODER_MAX_PX} px and flips no visibility`, async () => {
    const tgt = npy('first.w0.tgt.npy');
    const [K, N, C] = tgt.dims as [number, number, number];
    const feat = npy('first.query_feat.npy').data as Float32Array;
    const init = new Float32Array(K * N * C);
    for (let t = 0; t < K; t++) init.set(feat, t * N * C);
    const feeds = {
      memory: npy('first.memory_w0.npy'),
      content: tgt,
      ref_unsig: npy('first.w0.ref_unsig.npy'),
      track_mask: tensor('bool', [N, K], new Uint8Array(N * K).fill(1)),
      update_mask: npy('first.w0.update_mask.npy'),
      init_content: tensor('float32', [K, N, C], init),
    };
    const a = await runOnnx(fp32.decoderWindow, feeds, { threads: 2 });
    const b = await runOnnx(int8.decoderWindow, feeds, { threads: 2 });
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    const ua = a['ref_unsig_out']!.data as Float32Array;
    const ub = b['ref_unsig_out']!.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < K * N; i++) {
      const dx = (sig(ua[4 * i]!) - sig(ub[4 * i]!)) * (meta.W - 1);
      const dy = (sig(ua[4 * i + 1]!) - sig(ub[4 * i + 1]!)) * (meta.H - 1);
      worst = Math.max(worst, Math.hypot(dx, dy));
    }
    measured['int8 decoder window max px'] = worst;
    expect(worst).toBeLessThan(INT8_DECODER_MAX_PX);
    const va = a['vis_logits']!.data as Float32Array;
    const vb = b['vis_logits']!.data as Float32Array;
    for (let i = 0; i < K * N; i++) expect(vb[3 * i + 1]! > 0, `visibility ${i}`).toBe(va[3 * i + 1]! > 0);
  });
});
