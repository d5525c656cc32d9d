// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTaptrError, type TensorView } from '@taptr/tensor';
import { loadJson } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { parseTaptrConfig, RELEASED_CONFIG, taptrConfigToJson, type TaptrConfig } from '../config/taptr-config.js';
import { describeTaptrShapes, inferTaptrShapes, isReleasedTaptrShapes, taptrShapeDifferences } from './infer-taptr-shapes.js';
import { expectedStateDictShapes } from './state-dict-layout.js';
import { readTaptrCheckpoint } from './taptr-checkpoint.js';

const fixtureConfig = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));

/** A state dict with the official keys and shapes of `config` (shapes only: nothing reads the data). */
function layoutOf(config: TaptrConfig): Map<string, TensorView> {
  return new Map(expectedStateDictShapes(config).map((e) => [e.key, { type: 'float32', dims: e.dims, data: new Float32Array(0) } as unknown as TensorView]));
}

describe('inferTaptrShapes', () => {
  it('reads the reference fixture checkpoint: not the released configuration, the same shapes as its config.json', () => {
    const shapes = inferTaptrShapes(readTaptrCheckpoint(new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth')))));
    expect(shapes).toEqual({
      backboneWidth: fixtureConfig.backboneWidth,
      backboneChannels: [4, 8, 16, 32].map((k) => k * fixtureConfig.backboneWidth),
      hiddenDim: fixtureConfig.hiddenDim,
      numFeatureLevels: 4,
      encLayers: fixtureConfig.encLayers,
      decLayers: fixtureConfig.decLayers,
      dimFeedforward: fixtureConfig.dimFeedforward,
      encHeadsTimesPoints: fixtureConfig.nheads * fixtureConfig.encNPoints,
      decHeadsTimesPoints: fixtureConfig.nheads * fixtureConfig.decNPoints,
      numClasses: fixtureConfig.numClasses,
    });
    expect(taptrShapeDifferences(shapes, fixtureConfig)).toEqual([]);
    expect(isReleasedTaptrShapes(shapes)).toBe(false);
    expect(taptrShapeDifferences(shapes, RELEASED_CONFIG)).toEqual([
      'backbone stem width 8 (config 64)',
      'backbone stage widths 32/64/128/256 (config 256/512/1024/2048)',
      'hidden_dim 64 (config 256)',
      'dec_layers 3 (config 6)',
      'dim_feedforward 128 (config 2048)',
      'nheads x enc_n_points 16 (config 32)',
      'nheads x dec_n_points 16 (config 32)',
    ]);
    expect(describeTaptrShapes(shapes)).toBe(
      'resnet50_w8 backbone (stage widths 32/64/128/256), hidden_dim 64, 2 encoder / 3 decoder layers, dim_feedforward 128, heads x points 16 (encoder) / 16 (decoder), 4 feature levels, num_classes 2',
    );
  });

  it('recognises the released layout, and tells apart a configuration that differs in one size', () => {
    const released = inferTaptrShapes(layoutOf(RELEASED_CONFIG));
    expect(isReleasedTaptrShapes(released)).toBe(true);
    expect(describeTaptrShapes(released)).toBe(
      'resnet50 backbone (stage widths 256/512/1024/2048), hidden_dim 256, 2 encoder / 6 decoder layers, dim_feedforward 2048, heads x points 32 (encoder) / 32 (decoder), 4 feature levels, num_classes 2',
    );
    const deeper = parseTaptrConfig({ ...taptrConfigToJson(RELEASED_CONFIG), enc_layers: 6 });
    expect(taptrShapeDifferences(inferTaptrShapes(layoutOf(deeper)), RELEASED_CONFIG)).toEqual(['enc_layers 6 (config 2)']);
    // Heads and points show only as their product: 4 heads x 8 points looks like 8 x 4.
    const swapped = parseTaptrConfig({ ...taptrConfigToJson(RELEASED_CONFIG), nheads: 4, enc_n_points: 8, dec_n_points: 8 });
    expect(isReleasedTaptrShapes(inferTaptrShapes(layoutOf(swapped)))).toBe(true);
  });

  it('names the missing tensor of a state dict that is not TAPTR', () => {
    const error = (() => {
      try {
        inferTaptrShapes(new Map([['fc.weight', { type: 'float32', dims: [2, 2] } as unknown as TensorView]]));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isTaptrError(error, 'TAPTR_CHECKPOINT_MISMATCH')).toBe(true);
    expect((error as Error).message).toBe('checkpoint: no "backbone.0.body.conv1.weight": not a TAPTR state dict (1 entries, e.g. fc.weight)');
  });
});
