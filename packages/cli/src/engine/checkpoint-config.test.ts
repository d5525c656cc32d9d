// SPDX-License-Identifier: Apache-2.0
import { expectedStateDictShapes, parseTaptrConfig, RELEASED_CONFIG, taptrConfigToJson, type TaptrConfig } from '@taptr/model';
import { isTaptrError, type TensorView } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import { detectConfiguration } from './checkpoint-config.js';

/** A state dict with the official keys and shapes of `config` (shapes only: nothing reads the data). */
function layoutOf(config: TaptrConfig): Map<string, TensorView> {
  return new Map(expectedStateDictShapes(config).map((e) => [e.key, { type: 'float32', dims: e.dims, data: new Float32Array(0) } as unknown as TensorView]));
}

const RELEASED_SHAPES =
  'resnet50 backbone (stage widths 256/512/1024/2048), hidden_dim 256, 2 encoder / 6 decoder layers, dim_feedforward 2048, heads x points 32 (encoder) / 32 (decoder), 4 feature levels, num_classes 2';

describe('detectConfiguration', () => {
  it('names the released configuration without --config, and confirms a --config that matches', () => {
    expect(detectConfiguration('taptrv1.pth', layoutOf(RELEASED_CONFIG), undefined, undefined)).toMatchObject({
      released: true,
      summary: `released TAPTR v1 (${RELEASED_SHAPES}; 8 heads x 4 points as released: the weights show only the product)`,
    });
    expect(detectConfiguration('taptrv1.pth', layoutOf(RELEASED_CONFIG), RELEASED_CONFIG, 'c.json').summary).toBe(
      `released TAPTR v1 (${RELEASED_SHAPES}), as --config c.json says`,
    );
  });

  it('asks for --config (usage error, one line naming what it found) when the checkpoint is not the released configuration', () => {
    const deeper = parseTaptrConfig({ ...taptrConfigToJson(RELEASED_CONFIG), dec_layers: 8 });
    const error = (() => {
      try {
        detectConfiguration('mine.pth', layoutOf(deeper), undefined, undefined);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `mine.pth is not the released TAPTR v1 configuration (it has a ${RELEASED_SHAPES.replace('6 decoder', '8 decoder')}); pass --config CONFIG.json with its configuration (heads, sampling points and input size are not in the weights)`,
    );
    const detected = detectConfiguration('mine.pth', layoutOf(deeper), deeper, 'deeper.json');
    expect(detected.released).toBe(false);
    expect(detected.summary).toMatch(/^not the released TAPTR v1 \(.*8 decoder layers.*\), as --config deeper\.json says$/);
  });

  it('refuses a --config the shapes contradict, naming each difference', () => {
    try {
      detectConfiguration(
        'taptrv1.pth',
        layoutOf(RELEASED_CONFIG),
        parseTaptrConfig({ ...taptrConfigToJson(RELEASED_CONFIG), hidden_dim: 128, dim_feedforward: 1024 }),
        'small.json',
      );
      expect.unreachable();
    } catch (error) {
      expect(isTaptrError(error, 'TAPTR_CHECKPOINT_MISMATCH')).toBe(true);
      expect((error as Error).message).toBe('taptrv1.pth does not match --config small.json: hidden_dim 256 (config 128), dim_feedforward 2048 (config 1024)');
    }
  });
});
