// SPDX-License-Identifier: Apache-2.0
import type { TaptrConfig } from '@taptr/model';

/** Multiply-adds of the frame encoder (graph G1) for one frame, by part. FLOPs = 2 x MACs. */
export interface FrameEncoderMacs {
  /** ResNet-50 (conv1..layer4, convolutions only). */
  readonly backbone: number;
  /** The 1x1 input projections of the feature levels. */
  readonly inputProj: number;
  /** The deformable encoder layers (projections, FFN, bilinear sampling). */
  readonly encoder: number;
  /** Sum of the parts. */
  readonly total: number;
}

const BLOCKS = [3, 4, 6, 3] as const;

const half = (n: number): number => Math.ceil(n / 2);

/**
 * Analytic multiply-add count of one frame through G1 (spec §3, §5, §14.2): torchvision ResNet-50 v1.5
 * scaled to `backboneWidth`, the input projections of the 4 levels, and `encLayers` deformable encoder
 * layers per token (value/output projections C², sampling offsets C·M·L·P·2, attention weights
 * C·M·L·P, FFN 2·C·F, and 5 multiply-adds per sampled channel for the bilinear taps and weighting).
 * Normalisations, activations and the position embedding are not counted. At the released
 * configuration (512 x 512) this gives ≈ 21.4 + 2.0 + 56.5 ≈ 80 GMAC, the ≈ 160 GFLOP per frame of
 * spec §14.2.
 */
export function frameEncoderMacs(config: TaptrConfig): FrameEncoderMacs {
  const w = config.backboneWidth;
  const R = config.resolution;
  let backbone = 0;
  // Stem: conv 7x7/2 (3 -> w), then maxpool 3x3/2.
  let size = half(R);
  backbone += 7 * 7 * 3 * w * size * size;
  size = half(size);
  let inChannels = w;
  const levels: { channels: number; size: number }[] = [];
  BLOCKS.forEach((blocks, layer) => {
    const planes = w * 2 ** layer;
    const outChannels = 4 * planes;
    for (let b = 0; b < blocks; b++) {
      const stride = b === 0 && layer > 0 ? 2 : 1;
      const inSize = size;
      const outSize = stride === 2 ? half(size) : size;
      backbone += inChannels * planes * inSize * inSize; // 1x1
      backbone += 9 * planes * planes * outSize * outSize; // 3x3 (stride here, v1.5)
      backbone += planes * outChannels * outSize * outSize; // 1x1
      if (b === 0) backbone += inChannels * outChannels * outSize * outSize; // downsample 1x1
      inChannels = outChannels;
      size = outSize;
    }
    levels.push({ channels: outChannels, size });
  });
  const C = config.hiddenDim;
  const used = levels.slice(0, Math.min(config.numFeatureLevels, levels.length));
  const inputProj = used.reduce((s, l) => s + l.channels * C * l.size * l.size, 0);
  const tokens = used.reduce((s, l) => s + l.size * l.size, 0);
  const taps = config.nheads * used.length * config.encNPoints;
  const headDim = C / config.nheads;
  const perToken = 2 * C * C + C * taps * 2 + C * taps + 2 * C * config.dimFeedforward + 5 * taps * headDim;
  const encoder = perToken * tokens * config.encLayers;
  return { backbone, inputProj, encoder, total: backbone + inputProj + encoder };
}
