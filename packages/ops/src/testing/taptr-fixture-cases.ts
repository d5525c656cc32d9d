// SPDX-License-Identifier: Apache-2.0
// Fixture-derived cases from the TAPTR reference fixtures (official PyTorch model outputs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, type TensorView } from '@taptr/tensor';
import { loadNpy } from '@taptr/tensor/testing';
import { costVolumeCenters, querySampleGrid } from '../taptr-coordinates.js';

/** One gridSample call of the query-feature check: one level of one query frame. */
export interface QuerySampleCase {
  readonly name: string;
  /** `[1, C, h, w]` memory level of the query frame. */
  readonly input: TensorView<'float32'>;
  /** `[1, 1, n, 2]` grid of the frame's query points (spec section 6 coordinates). */
  readonly grid: TensorView<'float32'>;
  /** `[1, C, 1, n]` expected samples (from `first.query_sampled`). */
  readonly expected: TensorView<'float32'>;
}

/** Token layout of the memory: (h, w) per level and level starts, from the fixture's own files. */
function levelLayout(dir: string): { shapes: [number, number][]; starts: number[] } {
  const shapes = loadNpy(dir, 'first.spatial_shapes.npy');
  const starts = loadNpy(dir, 'first.level_start_index.npy');
  const levels = shapes.dims[0]!;
  return {
    shapes: Array.from({ length: levels }, (_, l) => [Number(shapes.data[2 * l]), Number(shapes.data[2 * l + 1])] as [number, number]),
    starts: Array.from({ length: levels }, (_, l) => Number(starts.data[l])),
  };
}

/** Memory tokens [S, C] of one frame, level l, as a [1, C, h, w] map (a test-side layout change). */
function levelMap(memory: TensorView, frame: number, start: number, h: number, w: number): TensorView<'float32'> {
  const [, s, c] = memory.dims as [number, number, number];
  const out = tensor('float32', [1, c, h, w]);
  const src = memory.data as Float32Array;
  for (let p = 0; p < h * w; p++) {
    const t = (frame * s + start + p) * c;
    for (let ch = 0; ch < c; ch++) out.data[ch * h * w + p] = src[t + ch]!;
  }
  return out;
}

/**
 * `first.query_sampled` rows of the points whose query frame is in `first.frames_kept`, from
 * `first.memory_qframes` at `first.query_xy_norm` (bilinear, border, align-corners; spec section 6).
 */
export function querySampleCases(dir: string): QuerySampleCase[] {
  const memory = loadNpy(dir, 'first.memory_qframes.npy');
  const kept = Array.from(loadNpy(dir, 'first.frames_kept.npy').data as ArrayLike<number | bigint>, Number);
  const queryFrames = Array.from(loadNpy(dir, 'first.query_frames.npy').data as ArrayLike<number | bigint>, Number);
  const xy = loadNpy(dir, 'first.query_xy_norm.npy') as TensorView<'float32'>;
  const sampled = loadNpy(dir, 'first.query_sampled.npy') as TensorView<'float32'>;
  const c = memory.dims[2]!;
  const { shapes, starts } = levelLayout(dir);
  const cases: QuerySampleCase[] = [];
  kept.forEach((frame, k) => {
    const points = queryFrames.flatMap((q, n) => (q === frame ? [n] : []));
    if (points.length === 0) return;
    const pxy = tensor('float32', [points.length, 2], Float32Array.from(points.flatMap((n) => [xy.data[2 * n]!, xy.data[2 * n + 1]!])));
    shapes.forEach(([h, w], l) => {
      const expected = tensor('float32', [1, c, 1, points.length]);
      points.forEach((n, i) => {
        for (let ch = 0; ch < c; ch++) expected.data[ch * points.length + i] = sampled.data[n * shapes.length * c + l * c + ch]!;
      });
      cases.push({
        name: `frame ${frame} level ${l} (${h}x${w}), points ${points.join(',')}`,
        input: levelMap(memory, k, starts[l]!, h, w),
        grid: querySampleGrid(pxy, h, w),
        expected,
      });
    });
  });
  return cases;
}

/** Inputs and expected outputs of the window-0 correlation features, one entry per decoder layer. */
export interface CorrFeatsCase {
  /** Per level `[T, C, h_l, w_l]`: fmap_mappers[l] (1x1 conv) of the window's memory. */
  readonly features: TensorView<'float32'>[];
  /** `[T, N, C]` = `first.w0.corr_query`. */
  readonly queries: TensorView<'float32'>;
  /** Per layer: `[T, N, 2]` level-0 pixel centres from `first.w0.references[layer]`. */
  readonly centers: TensorView<'float32'>[];
  /** Per layer: `[T, N, L*49]` = `first.w0.corr_feats[layer]`. */
  readonly expected: TensorView<'float32'>[];
  /** Where the fmap_mappers weights came from. */
  readonly weightsSource: string;
}

/** The part of @taptr/model used here. */
interface CheckpointReader {
  readTaptrCheckpoint(bytes: Uint8Array): ReadonlyMap<string, TensorView>;
}

// A variable specifier keeps @taptr/model out of this package's type program and build graph: it is
// a test-time dependency of the fixture-derived cases only (it loads onnx-proto; see vitest.config.ts).
const MODEL_PACKAGE: string = '@taptr/model';

/**
 * Reads `transformer.decoder.corr_block.fmap_mappers.{l}.{weight,bias}` from the fixture's
 * `checkpoint.pth` with @taptr/model's checkpoint reader `readTaptrCheckpoint` (no Python), imported
 * lazily.
 */
export async function loadFmapMappers(dir: string, levels: number): Promise<{ weights: { w: TensorView; b: TensorView }[]; source: string }> {
  const path = join(dir, 'checkpoint.pth');
  const { readTaptrCheckpoint } = (await import(MODEL_PACKAGE)) as CheckpointReader;
  const stateDict = readTaptrCheckpoint(new Uint8Array(readFileSync(path)));
  const weights = Array.from({ length: levels }, (_, l) => {
    const key = `transformer.decoder.corr_block.fmap_mappers.${l}`;
    const w = stateDict.get(`${key}.weight`);
    const b = stateDict.get(`${key}.bias`);
    if (!w || !b) throw new Error(`${path} has no ${key}.weight / .bias`);
    return { w, b };
  });
  return { weights, source: path };
}

/** Test-side 1x1 convolution: G[t, o, p] = b[o] + sum_c W[o, c] M[t, start + p, c] (float64 sums). */
function conv1x1(memory: TensorView, start: number, h: number, w: number, weight: TensorView, bias: TensorView): TensorView<'float32'> {
  const [t, s, c] = memory.dims as [number, number, number];
  const co = weight.dims[0]!;
  const hw = h * w;
  const out = tensor('float32', [t, co, h, w]);
  const m = memory.data as Float32Array;
  const wd = weight.data as Float32Array;
  const bd = bias.data as Float32Array;
  for (let f = 0; f < t; f++) {
    for (let p = 0; p < hw; p++) {
      const tok = (f * s + start + p) * c;
      for (let o = 0; o < co; o++) {
        let acc = bd[o]!;
        const wo = o * c;
        for (let ch = 0; ch < c; ch++) acc += wd[wo + ch]! * m[tok + ch]!;
        out.data[(f * co + o) * hw + p] = acc;
      }
    }
  }
  return out;
}

/**
 * `first.w0.corr_feats` for every decoder layer from `first.memory_w0`, `first.w0.corr_query`, the
 * fmap_mappers weights and that layer's input references `first.w0.references[layer]` (spec section 7).
 */
export async function corrFeatsCase(dir: string): Promise<CorrFeatsCase> {
  const memory = loadNpy(dir, 'first.memory_w0.npy');
  const { shapes, starts } = levelLayout(dir);
  const { weights, source } = await loadFmapMappers(dir, shapes.length);
  const features = shapes.map(([h, w], l) => conv1x1(memory, starts[l]!, h, w, weights[l]!.w, weights[l]!.b));
  const queries = loadNpy(dir, 'first.w0.corr_query.npy') as TensorView<'float32'>;
  const refs = loadNpy(dir, 'first.w0.references.npy') as TensorView<'float32'>;
  const feats = loadNpy(dir, 'first.w0.corr_feats.npy') as TensorView<'float32'>;
  const layers = feats.dims[0]!;
  const [h0, w0] = shapes[0]!;
  const perRef = refs.data.length / refs.dims[0]!;
  const perFeat = feats.data.length / layers;
  const centers: TensorView<'float32'>[] = [];
  const expected: TensorView<'float32'>[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const r = tensor('float32', refs.dims.slice(1), refs.data.slice(layer * perRef, (layer + 1) * perRef));
    centers.push(costVolumeCenters(r, h0, w0));
    expected.push(tensor('float32', feats.dims.slice(1), feats.data.slice(layer * perFeat, (layer + 1) * perFeat)));
  }
  return { features, queries, centers, expected, weightsSource: source };
}
