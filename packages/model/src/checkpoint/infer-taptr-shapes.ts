// SPDX-License-Identifier: Apache-2.0
import { formatShape, TaptrError, type TensorView } from '@taptr/tensor';
import { backboneChannels, RELEASED_CONFIG, type TaptrConfig } from '../config/taptr-config.js';

/**
 * The part of a TAPTR configuration that a checkpoint's tensor shapes reveal. The attention heads
 * and sampling points show only as their product (`sampling_offsets` has heads × levels × points × 2
 * rows), and the input resolution, window size and temperatures are not in the weights at all.
 */
export interface TaptrCheckpointShapes {
  /** ResNet stem width w (`backbone.0.body.conv1.weight` [w, 3, 7, 7]): 64 for ResNet-50. */
  readonly backboneWidth: number;
  /** Output widths of the four ResNet stages (`layer<i>.0.conv3.weight`), 4w .. 32w for ResNet-50. */
  readonly backboneChannels: readonly [number, number, number, number];
  /** C (`transformer.level_embed` [L, C]). */
  readonly hiddenDim: number;
  /** L (`transformer.level_embed` [L, C]). */
  readonly numFeatureLevels: number;
  readonly encLayers: number;
  readonly decLayers: number;
  /** F (`transformer.encoder.layers.0.linear1.weight` [F, C]). */
  readonly dimFeedforward: number;
  /** heads × points of the encoder's and the decoder's deformable attention. */
  readonly encHeadsTimesPoints: number;
  readonly decHeadsTimesPoints: number;
  /** `num_classes` (`class_embed.0.weight` has num_classes + 1 rows). */
  readonly numClasses: number;
}

function tensorOf(stateDict: ReadonlyMap<string, TensorView>, key: string, rank: number): TensorView {
  const tensor = stateDict.get(key);
  if (tensor === undefined) {
    const some = [...stateDict.keys()].slice(0, 3).join(', ');
    throw new TaptrError(
      'TAPTR_CHECKPOINT_MISMATCH',
      `checkpoint: no "${key}": not a TAPTR state dict (${stateDict.size} entries${some ? `, e.g. ${some}` : ''})`,
    );
  }
  if (tensor.dims.length !== rank)
    throw new TaptrError('TAPTR_CHECKPOINT_MISMATCH', `checkpoint: "${key}" has shape ${formatShape(tensor.dims)}, expected ${rank} dimensions`);
  return tensor;
}

function layerCount(stateDict: ReadonlyMap<string, TensorView>, prefix: string): number {
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}(\\d+)\\.`);
  let count = 0;
  for (const key of stateDict.keys()) {
    const m = pattern.exec(key);
    if (m !== null) count = Math.max(count, Number(m[1]) + 1);
  }
  return count;
}

/**
 * Reads the configuration-defining sizes off a TAPTR state dict (as `readTaptrCheckpoint` returns
 * it, without a configuration).
 * @throws TaptrError `TAPTR_CHECKPOINT_MISMATCH` when a tensor it reads is missing (not a TAPTR
 *   state dict) or of the wrong rank.
 */
export function inferTaptrShapes(stateDict: ReadonlyMap<string, TensorView>): TaptrCheckpointShapes {
  const w = tensorOf(stateDict, 'backbone.0.body.conv1.weight', 4).dims[0]!;
  const stages = [1, 2, 3, 4].map((i) => tensorOf(stateDict, `backbone.0.body.layer${i}.0.conv3.weight`, 4).dims[0]!) as [number, number, number, number];
  const [L, C] = tensorOf(stateDict, 'transformer.level_embed', 2).dims as [number, number];
  const F = tensorOf(stateDict, 'transformer.encoder.layers.0.linear1.weight', 2).dims[0]!;
  const enc = tensorOf(stateDict, 'transformer.encoder.layers.0.self_attn.attention_weights.weight', 2).dims[0]!;
  const dec = tensorOf(stateDict, 'transformer.decoder.layers.0.cross_attn.attention_weights.weight', 2).dims[0]!;
  const classes = tensorOf(stateDict, 'class_embed.0.weight', 2).dims[0]!;
  return {
    backboneWidth: w,
    backboneChannels: stages,
    hiddenDim: C,
    numFeatureLevels: L,
    encLayers: layerCount(stateDict, 'transformer.encoder.layers.'),
    decLayers: layerCount(stateDict, 'transformer.decoder.layers.'),
    dimFeedforward: F,
    encHeadsTimesPoints: enc / L,
    decHeadsTimesPoints: dec / L,
    numClasses: classes - 1,
  };
}

/** The shapes `config` implies (what {@link inferTaptrShapes} reads from a checkpoint of that configuration). */
export function taptrConfigShapes(config: TaptrConfig): TaptrCheckpointShapes {
  return {
    backboneWidth: config.backboneWidth,
    backboneChannels: backboneChannels(config),
    hiddenDim: config.hiddenDim,
    numFeatureLevels: config.numFeatureLevels,
    encLayers: config.encLayers,
    decLayers: config.decLayers,
    dimFeedforward: config.dimFeedforward,
    encHeadsTimesPoints: config.nheads * config.encNPoints,
    decHeadsTimesPoints: config.nheads * config.decNPoints,
    numClasses: config.numClasses,
  };
}

/** `resnet50_w8 backbone (stage widths 32/64/128/256), hidden_dim 64, 2 encoder / 3 decoder layers, ...` */
export function describeTaptrShapes(shapes: TaptrCheckpointShapes): string {
  const backbone = shapes.backboneWidth === 64 ? 'resnet50' : `resnet50_w${shapes.backboneWidth}`;
  return (
    `${backbone} backbone (stage widths ${shapes.backboneChannels.join('/')}), hidden_dim ${shapes.hiddenDim}, ` +
    `${shapes.encLayers} encoder / ${shapes.decLayers} decoder layers, dim_feedforward ${shapes.dimFeedforward}, ` +
    `heads x points ${shapes.encHeadsTimesPoints} (encoder) / ${shapes.decHeadsTimesPoints} (decoder), ${shapes.numFeatureLevels} feature levels, num_classes ${shapes.numClasses}`
  );
}

/**
 * How a checkpoint's shapes differ from a configuration's, one `name checkpoint-value (config
 * config-value)` item per difference; empty when they agree (the heads and points then agree as a
 * product, and the resolution is the configuration's to choose).
 */
export function taptrShapeDifferences(shapes: TaptrCheckpointShapes, config: TaptrConfig): string[] {
  const expected = taptrConfigShapes(config);
  const names: [keyof TaptrCheckpointShapes, string][] = [
    ['backboneWidth', 'backbone stem width'],
    ['backboneChannels', 'backbone stage widths'],
    ['hiddenDim', 'hidden_dim'],
    ['numFeatureLevels', 'num_feature_levels'],
    ['encLayers', 'enc_layers'],
    ['decLayers', 'dec_layers'],
    ['dimFeedforward', 'dim_feedforward'],
    ['encHeadsTimesPoints', 'nheads x enc_n_points'],
    ['decHeadsTimesPoints', 'nheads x dec_n_points'],
    ['numClasses', 'num_classes'],
  ];
  const text = (value: TaptrCheckpointShapes[keyof TaptrCheckpointShapes]): string => (Array.isArray(value) ? value.join('/') : String(value));
  return names
    .filter(([key]) => text(shapes[key]) !== text(expected[key]))
    .map(([key, name]) => `${name} ${text(shapes[key])} (config ${text(expected[key])})`);
}

/** True when the shapes are those of {@link RELEASED_CONFIG} (TAPTR v1 as released). */
export function isReleasedTaptrShapes(shapes: TaptrCheckpointShapes): boolean {
  return taptrShapeDifferences(shapes, RELEASED_CONFIG).length === 0;
}
