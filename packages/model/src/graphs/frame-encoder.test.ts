// SPDX-License-Identifier: Apache-2.0
// The tiled deformable encoder (issue 15) against the untiled one: the same memory on the reference model.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareClose, loadJson, loadNpy } from '@taptr/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTaptrCheckpoint } from '../checkpoint/taptr-checkpoint.js';
import { memoryTokens, parseTaptrConfig } from '../config/taptr-config.js';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { runOnnx } from '../../test/run-onnx.js';
import { buildFrameEncoder, DEFAULT_ENCODER_TILE_TOKENS, tileSizes } from './frame-encoder.js';

const config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
const stateDict = readTaptrCheckpoint(new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth'))), { config });

describe('tileSizes', () => {
  it('splits rows into near-equal tiles in order that sum to the total', () => {
    expect(tileSizes(21760, DEFAULT_ENCODER_TILE_TOKENS)).toEqual(Array(16).fill(1360));
    expect(tileSizes(10, 4)).toEqual([4, 3, 3]);
    expect(tileSizes(10, 10)).toEqual([10]);
    expect(tileSizes(10, 100)).toEqual([10]);
    expect(tileSizes(10, Infinity)).toEqual([10]);
  });

  it('rejects a tile below one token', () => {
    expect(() => tileSizes(10, 0)).toThrow(RangeError);
    expect(() => tileSizes(10, 0.5)).toThrow('buildFrameEncoder: options.tileTokens must be a positive number of tokens');
    expect(() => tileSizes(10, Number.NaN)).toThrow(RangeError);
  });
});

describe('G1 frame_encoder tiled over the memory tokens', () => {
  const image = loadNpy(TAPTR_FIXTURES, 'first.model_input_kept.npy');
  let untiled: Float32Array;
  beforeAll(async () => {
    untiled = (await runOnnx(buildFrameEncoder(stateDict, config, { tileTokens: Infinity }), { image }, { threads: 2 })).memory!.data as Float32Array;
  });

  // 250: 6 tiles of 226-227 tokens (unequal, crossing the level boundaries); S / 2: two tiles.
  it.each([250, Math.ceil(memoryTokens(config) / 2)])('tiles of %i tokens give the untiled memory', async (tileTokens) => {
    const tiled = (await runOnnx(buildFrameEncoder(stateDict, config, { tileTokens }), { image }, { threads: 2 })).memory!.data as Float32Array;
    expect(tiled.length).toBe(untiled.length);
    // Row-wise ops on fewer rows (bit-identical on the machines measured; the GEMM blocking may round differently elsewhere).
    const report = compareClose(tiled, untiled, { atol: 1e-5, rtol: 0 });
    expect(report.ok, report.message).toBe(true);
  });
});
