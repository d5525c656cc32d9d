// SPDX-License-Identifier: Apache-2.0
import { describeValue, TaptrError } from '@taptr/tensor';

/**
 * The TAPTR v1 model configuration needed for inference (a validated subset of the official
 * `config/TAPTR.py` keys, camel-cased). Plain JSON data: it is stored in `model.json` manifests.
 */
export interface TaptrConfig {
  /** Official backbone name: `'resnet50'` or the reduced `'resnet50_w<k>'` (all widths × k/64). */
  readonly backbone: string;
  /** ResNet stem width (64 for ResNet-50; k for `resnet50_w<k>`); layer i outputs 4·2^i·width channels. */
  readonly backboneWidth: number;
  /** Hidden size C (`hidden_dim`). */
  readonly hiddenDim: number;
  /** Attention heads M (`nheads`). */
  readonly nheads: number;
  /** FFN width F (`dim_feedforward`). */
  readonly dimFeedforward: number;
  /** Encoder layers (`enc_layers`). */
  readonly encLayers: number;
  /** Decoder layers (`dec_layers`). */
  readonly decLayers: number;
  /** MSDA sampling points per head and level in the encoder (`enc_n_points`). */
  readonly encNPoints: number;
  /** MSDA sampling points per head and level in the decoder (`dec_n_points`). */
  readonly decNPoints: number;
  /** Feature levels L (`num_feature_levels`, equal to the number of backbone outputs). */
  readonly numFeatureLevels: number;
  /** Square model input size R (the evaluation resize: `data_aug_scales` capped by `data_aug_max_size`). */
  readonly resolution: number;
  /** Decoder window size K (`sliding_window_size`). */
  readonly slidingWindowSize: number;
  /** Window stride (`sliding_window_stride`). */
  readonly slidingWindowStride: number;
  /** `num_classes`; the visibility head has `numClasses + 1` logits (index 1 = visible). */
  readonly numClasses: number;
  /** Temperature of the decoder's 4-d sine query embedding (`transformer_pe_temperature`). */
  readonly peTemperature: number;
  /** Temperatures of the 2-D sine positional embedding (`pe_temperatureH`, `pe_temperatureW`). */
  readonly peTemperatureH: number;
  readonly peTemperatureW: number;
}

/** The released configuration (`config/TAPTR.py`: ResNet-50, C = 256, 8 heads, 6 decoder layers, FFN 2048, 512x512). */
export const RELEASED_CONFIG: TaptrConfig = Object.freeze({
  backbone: 'resnet50',
  backboneWidth: 64,
  hiddenDim: 256,
  nheads: 8,
  dimFeedforward: 2048,
  encLayers: 2,
  decLayers: 6,
  encNPoints: 4,
  decNPoints: 4,
  numFeatureLevels: 4,
  resolution: 512,
  slidingWindowSize: 8,
  slidingWindowStride: 4,
  numClasses: 2,
  peTemperature: 10,
  peTemperatureH: 10,
  peTemperatureW: 10,
});

function invalid(key: string, expected: string, actual: unknown): TaptrError {
  return new TaptrError('TAPTR_CONFIG_INVALID', `TAPTR config: "${key}" must be ${expected}, got ${describeValue(actual)}`);
}

function positiveInt(json: Record<string, unknown>, key: string, fallback?: number): number {
  const value = json[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw invalid(key, 'a positive integer', json[key]);
  return value;
}

function positiveNumber(json: Record<string, unknown>, key: string, fallback: number): number {
  const value = json[key] ?? fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw invalid(key, 'a positive number', json[key]);
  return value;
}

/** Parses a backbone name into its stem width. */
function backboneWidthOf(name: unknown): number {
  if (name === 'resnet50') return 64;
  const m = typeof name === 'string' ? /^resnet50_w([1-9][0-9]*)$/.exec(name) : null;
  if (m === null) throw invalid('backbone', `"resnet50" or "resnet50_w<k>"`, name);
  return Number(m[1]);
}

/**
 * Parses a configuration object with the official keys (the fixture's `config.json`, i.e. every value of
 * `config/TAPTR.py`): `backbone`, `hidden_dim`, `nheads`, `dim_feedforward`, `enc_layers`, `dec_layers`,
 * `enc_n_points`, `dec_n_points`, `num_feature_levels`, `data_aug_scales` (+ `data_aug_max_size`) and
 * optionally `sliding_window_size`, `sliding_window_stride`, `num_classes`, `transformer_pe_temperature`,
 * `pe_temperatureH`, `pe_temperatureW`, `return_interm_indices` (defaults: the released values).
 * The model input size is the evaluation resize target: the single entry of `data_aug_scales`, capped
 * by `data_aug_max_size` (`crop_size` is a training-only crop and is ignored).
 * @throws TaptrError `TAPTR_CONFIG_INVALID` naming the offending key.
 */
export function parseTaptrConfig(json: unknown): TaptrConfig {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TaptrError('TAPTR_CONFIG_INVALID', `TAPTR config: must be a JSON object of config keys, got ${describeValue(json)}`);
  }
  const o = json as Record<string, unknown>;
  if (!('backbone' in o)) throw invalid('backbone', `"resnet50" or "resnet50_w<k>"`, undefined);
  const backboneWidth = backboneWidthOf(o.backbone);
  const hiddenDim = positiveInt(o, 'hidden_dim');
  const nheads = positiveInt(o, 'nheads');
  if (hiddenDim % nheads !== 0) throw invalid('nheads', `a divisor of hidden_dim (${hiddenDim})`, nheads);
  if (hiddenDim % 32 !== 0) throw invalid('hidden_dim', 'a multiple of 32 (GroupNorm(32) in input_proj)', hiddenDim);
  const numFeatureLevels = positiveInt(o, 'num_feature_levels');
  const interm = o.return_interm_indices ?? [0, 1, 2, 3];
  if (!Array.isArray(interm) || interm.length !== 4 || interm.some((v, i) => v !== i)) throw invalid('return_interm_indices', '[0, 1, 2, 3]', interm);
  if (numFeatureLevels !== 4) throw invalid('num_feature_levels', '4 (one level per ResNet stage; extra strided levels are not supported)', numFeatureLevels);
  if (o.dilation !== undefined && o.dilation !== false) throw invalid('dilation', 'false', o.dilation);
  const scales = o.data_aug_scales;
  if (!Array.isArray(scales) || scales.length !== 1 || typeof scales[0] !== 'number' || !Number.isInteger(scales[0]) || scales[0] <= 0) {
    throw invalid('data_aug_scales', 'a list with one positive integer (the evaluation size)', scales);
  }
  const maxSize = o.data_aug_max_size === undefined || o.data_aug_max_size === null ? scales[0] : positiveInt(o, 'data_aug_max_size');
  const resolution = Math.min(scales[0], maxSize);
  if (resolution % 32 !== 0) throw invalid('data_aug_scales', 'a multiple of 32 (after the data_aug_max_size cap)', resolution);
  const numClasses = positiveInt(o, 'num_classes', RELEASED_CONFIG.numClasses);
  return Object.freeze({
    backbone: o.backbone as string,
    backboneWidth,
    hiddenDim,
    nheads,
    dimFeedforward: positiveInt(o, 'dim_feedforward'),
    encLayers: positiveInt(o, 'enc_layers'),
    decLayers: positiveInt(o, 'dec_layers'),
    encNPoints: positiveInt(o, 'enc_n_points'),
    decNPoints: positiveInt(o, 'dec_n_points'),
    numFeatureLevels,
    resolution,
    slidingWindowSize: positiveInt(o, 'sliding_window_size', RELEASED_CONFIG.slidingWindowSize),
    slidingWindowStride: positiveInt(o, 'sliding_window_stride', RELEASED_CONFIG.slidingWindowStride),
    numClasses,
    peTemperature: positiveNumber(o, 'transformer_pe_temperature', RELEASED_CONFIG.peTemperature),
    peTemperatureH: positiveNumber(o, 'pe_temperatureH', RELEASED_CONFIG.peTemperatureH),
    peTemperatureW: positiveNumber(o, 'pe_temperatureW', RELEASED_CONFIG.peTemperatureW),
  });
}

/** The official-key JSON form of `config` (round-trips through {@link parseTaptrConfig}). */
export function taptrConfigToJson(config: TaptrConfig): Record<string, unknown> {
  return {
    backbone: config.backbone,
    hidden_dim: config.hiddenDim,
    nheads: config.nheads,
    dim_feedforward: config.dimFeedforward,
    enc_layers: config.encLayers,
    dec_layers: config.decLayers,
    enc_n_points: config.encNPoints,
    dec_n_points: config.decNPoints,
    num_feature_levels: config.numFeatureLevels,
    return_interm_indices: [0, 1, 2, 3],
    data_aug_scales: [config.resolution],
    data_aug_max_size: config.resolution,
    sliding_window_size: config.slidingWindowSize,
    sliding_window_stride: config.slidingWindowStride,
    num_classes: config.numClasses,
    transformer_pe_temperature: config.peTemperature,
    pe_temperatureH: config.peTemperatureH,
    pe_temperatureW: config.peTemperatureW,
  };
}

/** Output channels of the four ResNet stages (layer1..layer4): 4·w, 8·w, 16·w, 32·w. */
export function backboneChannels(config: TaptrConfig): [number, number, number, number] {
  const w = config.backboneWidth;
  return [4 * w, 8 * w, 16 * w, 32 * w];
}

/** Spatial size (h, w) of each feature level at the model resolution R: R/4, R/8, R/16, R/32. */
export function featureLevelShapes(config: TaptrConfig): { h: number; w: number }[] {
  return [4, 8, 16, 32].map((s) => ({ h: config.resolution / s, w: config.resolution / s }));
}

/** Token count S = Σ h_l·w_l of one frame's memory (21760 at 512x512). */
export function memoryTokens(config: TaptrConfig): number {
  return featureLevelShapes(config).reduce((s, l) => s + l.h * l.w, 0);
}

/** Start of each level in the token axis (`level_start_index`). */
export function levelStartIndex(config: TaptrConfig): number[] {
  const starts: number[] = [];
  let s = 0;
  for (const l of featureLevelShapes(config)) {
    starts.push(s);
    s += l.h * l.w;
  }
  return starts;
}
