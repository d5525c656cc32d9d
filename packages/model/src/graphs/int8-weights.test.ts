// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeOnnxModel, TensorProto_DataType as DT } from '@taptr/onnx';
import { isTaptrError, tensor } from '@taptr/tensor';
import { loadJson } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { runOnnx } from '../../test/run-onnx.js';
import { readTaptrCheckpoint } from '../checkpoint/taptr-checkpoint.js';
import { parseTaptrConfig } from '../config/taptr-config.js';
import type { TaptrGraphs } from '../format/graph-roles.js';
import { int8WeightsForCpu } from '@taptr/runtime-node';
import { withInt8Weights } from './int8-weights.js';
import { buildTaptrGraphs } from './taptr-graphs.js';
import { applyTaptrPrecision } from './taptr-precision.js';

const config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
const fp32 = buildTaptrGraphs(readTaptrCheckpoint(new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth'))), { config }), config);
const u8 = applyTaptrPrecision(fp32, 'int8');
// The CPU test of the product's own choice: u8s8 where it picks int8 weights (VNNI).
const vnni = int8WeightsForCpu() === 'int8';

/** Byte equality (vitest's deep equality is slow on megabytes). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** Element types of the MatMulInteger weights of a graph, counted. */
function weightTypes(model: Uint8Array): Record<string, number> {
  const { graph } = decodeOnnxModel(model, 'test');
  const types = new Map(graph.initializer.map((t) => [t.name, DT[t.dataType]!]));
  const counts: Record<string, number> = {};
  for (const node of graph.node) {
    if (node.opType !== 'MatMulInteger' && node.opType !== 'ConvInteger') continue;
    const key = `${node.opType}:${types.get(node.input[1]!)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('withInt8Weights', () => {
  it('switches the int8 graphs between uint8 and int8 MatMul weights, records it, and keeps the graphs without any', () => {
    expect(u8.int8Weights).toBe('uint8');
    const s8 = withInt8Weights(u8, 'int8');
    expect(s8.int8Weights).toBe('int8');
    const before = weightTypes(u8.frameEncoder);
    expect(Object.keys(before)).toEqual(['MatMulInteger:UINT8']);
    expect(weightTypes(s8.frameEncoder)).toEqual({ 'MatMulInteger:INT8': before['MatMulInteger:UINT8'] });
    const decoder = weightTypes(u8.decoderWindow)['MatMulInteger:UINT8']!; // the cross-attention value_proj of each layer
    expect(decoder).toBe(config.decLayers);
    expect(weightTypes(s8.decoderWindow)).toEqual({ 'MatMulInteger:INT8': decoder });
    expect(s8.queryInit).toBe(u8.queryInit);
    expect(s8.decoderWindowSampleFirst).toBe(u8.decoderWindowSampleFirst);
    expect(s8.config).toBe(u8.config);
    // The same as converting with int8 weights in the first place, byte for byte.
    const direct = applyTaptrPrecision(fp32, 'int8', { int8Weights: 'int8' });
    expect(direct.int8Weights).toBe('int8');
    expect(same(s8.frameEncoder, direct.frameEncoder)).toBe(true);
    expect(same(s8.decoderWindow, direct.decoderWindow)).toBe(true);
  });

  it('round trip uint8 -> int8 -> uint8 gives the same bytes; the type already held returns the graphs themselves', () => {
    const back = withInt8Weights(withInt8Weights(u8, 'int8'), 'uint8');
    expect(same(back.frameEncoder, u8.frameEncoder)).toBe(true);
    expect(same(back.decoderWindow, u8.decoderWindow)).toBe(true);
    expect(same(withInt8Weights(u8, 'int8').frameEncoder, u8.frameEncoder)).toBe(false);
    expect(withInt8Weights(u8, 'uint8')).toBe(u8);
    // Graphs that do not say (loaded by hand): checked, nothing rewritten.
    const { int8Weights: _, ...unknown } = u8;
    const checked = withInt8Weights(unknown, 'uint8');
    expect(checked.frameEncoder).toBe(u8.frameEncoder);
    expect(checked.int8Weights).toBe('uint8');
  });

  // (q − zp) is the same integer for every weight: both kernels sum it exactly in int32 on VNNI CPUs.
  // Measured bit-identical memory on the AVX-512 VNNI machine (onnxruntime-node 1.30).
  it.runIf(vnni)('gives the encoder memory of the uint8 graphs on a VNNI CPU', async () => {
    const R = config.resolution;
    const image = tensor(
      'float32',
      [1, 3, R, R],
      Float32Array.from({ length: 3 * R * R }, (_, i) => Math.sin(i * 0.013) * 1.5 + Math.cos(i * 0.0007)),
    );
    const a = (await runOnnx(u8.frameEncoder, { image })).memory!.data as Float32Array;
    const b = (await runOnnx(withInt8Weights(u8, 'int8').frameEncoder, { image })).memory!.data as Float32Array;
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(a[i]!));
      diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    }
    expect(diff / scale).toBeLessThanOrEqual(1e-6);
  });

  it('graphs that are not the int8 variant: TaptrError; bad arguments: TypeError / RangeError', () => {
    let error: unknown;
    try {
      withInt8Weights(fp32, 'int8');
    } catch (e) {
      error = e;
    }
    expect(isTaptrError(error, 'TAPTR_CONFIG_INVALID'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/^withInt8Weights: the graphs are not the int8 variant: frameEncoder: the model has no quantized MatMul weight/);
    expect(() => withInt8Weights(u8, 'u8s8' as 'int8')).toThrow(new RangeError(`withInt8Weights: weights must be 'uint8' or 'int8', got "u8s8"`));
    expect(() => withInt8Weights({} as TaptrGraphs, 'int8')).toThrow(TypeError);
    expect(() => withInt8Weights({ ...u8, decoderWindow: new Uint8Array([1, 2, 3]) }, 'int8')).toThrow(/^withInt8Weights: decoderWindow: not an ONNX model/);
  });
});
