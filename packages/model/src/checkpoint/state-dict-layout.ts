// SPDX-License-Identifier: Apache-2.0
import { backboneChannels, type TaptrConfig } from '../config/taptr-config.js';

/** Correlation features per point: 4 levels × 7 × 7 taps (radius 3, spec §7). */
export const CORR_FEATURES = 196;
/** Width of the decoder's 4-d sine query embedding (4 × 128, whatever C is; spec §8). */
export const QUERY_SINE_WIDTH = 512;
/** ResNet-50 blocks per stage. */
export const RESNET50_BLOCKS: readonly number[] = Object.freeze([3, 4, 6, 3]);

/** The role of a state-dict entry for parameter counting. */
export type StateDictEntryKind = 'parameter' | 'frozen-bn' | 'alias';

/** One expected state-dict entry. */
export interface StateDictEntry {
  readonly key: string;
  readonly dims: readonly number[];
  /**
   * `'parameter'`: a learned parameter; `'frozen-bn'`: a FrozenBatchNorm2d buffer (weight, bias,
   * running_mean, running_var; counted apart, spec §14.1); `'alias'`: a duplicate name of another
   * entry (`transformer.decoder.bbox_embed.*` / `class_embed.*` share the top-level modules).
   */
  readonly kind: StateDictEntryKind;
}

/**
 * Every key and shape of the official TAPTR state dict for `config` (the `model`/`ema_model` layout
 * of the released checkpoint, spec §3-§8, §14), in module order.
 */
export function expectedStateDictShapes(config: TaptrConfig): StateDictEntry[] {
  const out: StateDictEntry[] = [];
  const C = config.hiddenDim;
  const M = config.nheads;
  const L = config.numFeatureLevels;
  const F = config.dimFeedforward;
  const add = (key: string, dims: number[], kind: StateDictEntryKind = 'parameter') => out.push({ key, dims: Object.freeze(dims), kind });
  const linear = (prefix: string, o: number, i: number, kind: StateDictEntryKind = 'parameter') => {
    add(`${prefix}.weight`, [o, i], kind);
    add(`${prefix}.bias`, [o], kind);
  };
  const layerNorm = (prefix: string) => {
    add(`${prefix}.weight`, [C]);
    add(`${prefix}.bias`, [C]);
  };
  const frozenBn = (prefix: string, c: number) => {
    for (const b of ['weight', 'bias', 'running_mean', 'running_var']) add(`${prefix}.${b}`, [c], 'frozen-bn');
  };
  const msda = (prefix: string, points: number) => {
    linear(`${prefix}.sampling_offsets`, M * L * points * 2, C);
    linear(`${prefix}.attention_weights`, M * L * points, C);
    linear(`${prefix}.value_proj`, C, C);
    linear(`${prefix}.output_proj`, C, C);
  };
  const mha = (prefix: string) => {
    add(`${prefix}.in_proj_weight`, [3 * C, C]);
    add(`${prefix}.in_proj_bias`, [3 * C]);
    linear(`${prefix}.out_proj`, C, C);
  };

  // Backbone (spec §3): ResNet-50 v1.5 with FrozenBatchNorm2d, no fc.
  const w = config.backboneWidth;
  const body = 'backbone.0.body';
  add(`${body}.conv1.weight`, [w, 3, 7, 7]);
  frozenBn(`${body}.bn1`, w);
  let inplanes = w;
  RESNET50_BLOCKS.forEach((blocks, stage) => {
    const planes = w * 2 ** stage;
    for (let b = 0; b < blocks; b++) {
      const p = `${body}.layer${stage + 1}.${b}`;
      add(`${p}.conv1.weight`, [planes, inplanes, 1, 1]);
      frozenBn(`${p}.bn1`, planes);
      add(`${p}.conv2.weight`, [planes, planes, 3, 3]);
      frozenBn(`${p}.bn2`, planes);
      add(`${p}.conv3.weight`, [4 * planes, planes, 1, 1]);
      frozenBn(`${p}.bn3`, 4 * planes);
      if (b === 0) {
        add(`${p}.downsample.0.weight`, [4 * planes, inplanes, 1, 1]);
        frozenBn(`${p}.downsample.1`, 4 * planes);
      }
      inplanes = 4 * planes;
    }
  });

  // Input projections (spec §3) and level embedding (§4).
  backboneChannels(config).forEach((cl, l) => {
    add(`input_proj.${l}.0.weight`, [C, cl, 1, 1]);
    add(`input_proj.${l}.0.bias`, [C]);
    add(`input_proj.${l}.1.weight`, [C]);
    add(`input_proj.${l}.1.bias`, [C]);
  });
  add('transformer.level_embed', [L, C]);

  // Encoder (spec §5.2).
  for (let i = 0; i < config.encLayers; i++) {
    const p = `transformer.encoder.layers.${i}`;
    msda(`${p}.self_attn`, config.encNPoints);
    layerNorm(`${p}.norm1`);
    linear(`${p}.linear1`, F, C);
    linear(`${p}.linear2`, C, F);
    layerNorm(`${p}.norm2`);
  }

  // Decoder (spec §7, §8).
  for (let k = 0; k < config.decLayers; k++) {
    const p = `transformer.decoder.layers.${k}`;
    msda(`${p}.cross_attn`, config.decNPoints);
    layerNorm(`${p}.norm1`);
    mha(`${p}.self_attn`);
    layerNorm(`${p}.norm2`);
    mha(`${p}.temp_self_attn`);
    layerNorm(`${p}.norm_temp`);
    linear(`${p}.linear1`, F, C);
    linear(`${p}.linear2`, C, F);
    layerNorm(`${p}.norm3`);
    linear(`${p}.corr_fuser.0`, C, C + CORR_FEATURES);
    linear(`${p}.corr_fuser.2`, C, C);
  }
  linear('transformer.decoder.ref_point_head.layers.0', C, QUERY_SINE_WIDTH);
  linear('transformer.decoder.ref_point_head.layers.1', C, C);
  const heads = (prefix: string, kind: StateDictEntryKind) => {
    for (let k = 0; k < config.decLayers; k++) {
      linear(`${prefix}bbox_embed.${k}.layers.0`, C, C, kind);
      linear(`${prefix}bbox_embed.${k}.layers.1`, C, C, kind);
      linear(`${prefix}bbox_embed.${k}.layers.2`, 4, C, kind);
    }
    for (let k = 0; k < config.decLayers; k++) linear(`${prefix}class_embed.${k}`, config.numClasses + 1, C, kind);
  };
  heads('transformer.decoder.', 'alias');
  linear('transformer.decoder.corr_query_proj.0', C, C);
  linear('transformer.decoder.corr_query_proj.2', C, C);
  for (let l = 0; l < L; l++) {
    add(`transformer.decoder.corr_block.fmap_mappers.${l}.weight`, [C, C, 1, 1]);
    add(`transformer.decoder.corr_block.fmap_mappers.${l}.bias`, [C]);
  }
  linear('transformer.decoder.query_updater.0', C, 2 * C);
  linear('transformer.decoder.query_updater.2', C, C);
  linear('transformer.query_feature_initializer', C, L * C);
  heads('', 'parameter');
  linear('query_between_window_updater.0', C, 3 * C);
  linear('query_between_window_updater.2', C, C);
  return out;
}

/** Parameter counts of a layout (spec §14.1). */
export interface ParameterCount {
  /** Learned parameters, each shared module counted once (41,068,522 for the released configuration). */
  readonly parameters: number;
  /** FrozenBatchNorm2d buffers (106,240 for the released configuration). */
  readonly frozenBnBuffers: number;
}

/** Counts the parameters of a layout from {@link expectedStateDictShapes}. */
export function countParameters(entries: readonly StateDictEntry[]): ParameterCount {
  let parameters = 0;
  let frozenBnBuffers = 0;
  for (const e of entries) {
    const n = e.dims.reduce((a, b) => a * b, 1);
    if (e.kind === 'parameter') parameters += n;
    else if (e.kind === 'frozen-bn') frozenBnBuffers += n;
  }
  return { parameters, frozenBnBuffers };
}
