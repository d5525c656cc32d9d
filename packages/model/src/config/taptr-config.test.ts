// SPDX-License-Identifier: Apache-2.0
import { isTaptrError } from '@taptr/tensor';
import { loadJson, loadNpy } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { featureLevelShapes, levelStartIndex, memoryTokens, parseTaptrConfig, RELEASED_CONFIG, taptrConfigToJson } from './taptr-config.js';

const fixtureConfig = loadJson<Record<string, unknown>>(TAPTR_FIXTURES, 'config.json');
const meta = loadJson<{ model_hw: number }>(TAPTR_FIXTURES, 'meta.json');

function expectInvalid(json: unknown, key: string): void {
  try {
    parseTaptrConfig(json);
    expect.unreachable();
  } catch (e) {
    expect(isTaptrError(e, 'TAPTR_CONFIG_INVALID')).toBe(true);
    expect((e as Error).message).toContain(`"${key}"`);
  }
}

describe('parseTaptrConfig', () => {
  it("reads the fixture's config.json; sizes agree with meta.json and the fixture tensors", () => {
    const c = parseTaptrConfig(fixtureConfig);
    expect(c.resolution).toBe(meta.model_hw);
    expect(c.backboneWidth * 4).toBe(loadNpy(TAPTR_FIXTURES, 'first.backbone_l0.npy').dims[1]);
    expect(c.hiddenDim).toBe(loadNpy(TAPTR_FIXTURES, 'first.lvl_pos_embed.npy').dims[1]);
    expect(c.decLayers).toBe(loadNpy(TAPTR_FIXTURES, 'first.w0.hs.npy').dims[0]);
    expect(c.slidingWindowSize).toBe(loadNpy(TAPTR_FIXTURES, 'first.w0.hs.npy').dims[1]);
    const shapes = loadNpy(TAPTR_FIXTURES, 'first.spatial_shapes.npy');
    expect(featureLevelShapes(c).flatMap((l) => [l.h, l.w])).toEqual(Array.from(shapes.data as BigInt64Array, Number));
    expect(levelStartIndex(c)).toEqual(Array.from(loadNpy(TAPTR_FIXTURES, 'first.level_start_index.npy').data as BigInt64Array, Number));
    expect(memoryTokens(c)).toBe(loadNpy(TAPTR_FIXTURES, 'first.memory_qframes.npy').dims[1]);
    expect(parseTaptrConfig(taptrConfigToJson(c))).toEqual(c);
  });

  it('the released configuration round-trips and has the spec §0 sizes', () => {
    expect(Object.isFrozen(RELEASED_CONFIG)).toBe(true);
    expect(parseTaptrConfig(taptrConfigToJson(RELEASED_CONFIG))).toEqual(RELEASED_CONFIG);
    expect(memoryTokens(RELEASED_CONFIG)).toBe(21760);
    expect(levelStartIndex(RELEASED_CONFIG)).toEqual([0, 16384, 20480, 21504]);
  });

  it('rejects bad values with TAPTR_CONFIG_INVALID naming the key', () => {
    expectInvalid({ ...fixtureConfig, backbone: 'resnet101' }, 'backbone');
    expectInvalid({ ...fixtureConfig, hidden_dim: 0 }, 'hidden_dim');
    expectInvalid({ ...fixtureConfig, nheads: 5 }, 'nheads');
    expectInvalid({ ...fixtureConfig, hidden_dim: 48, nheads: 4 }, 'hidden_dim');
    expectInvalid({ ...fixtureConfig, dim_feedforward: '128' }, 'dim_feedforward');
    expectInvalid({ ...fixtureConfig, data_aug_scales: [128, 256] }, 'data_aug_scales');
    expectInvalid({ ...fixtureConfig, data_aug_scales: [100], data_aug_max_size: 100 }, 'data_aug_scales');
    expectInvalid({ ...fixtureConfig, num_feature_levels: 5 }, 'num_feature_levels');
    const { enc_layers: _, ...missing } = fixtureConfig;
    expectInvalid(missing, 'enc_layers');
    expect(() => parseTaptrConfig([1])).toThrow(/JSON object/);
  });
});
