// SPDX-License-Identifier: Apache-2.0
// The conformance cases of every op, in the contract's shapes. Source: the PyTorch-generated JSON files
// in packages/ops/cases (gridSample: F.grid_sample itself; costVolume: taptr-spec §7 written literally
// in torch). bilinearGather and the costVolume variants are derived from them here by exact
// re-arrangements (a layout change, power-of-two scales, a constant moved into the bias), so their
// expected values are still PyTorch's.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor } from '@taptr/tensor';
import type { BilinearGatherAttrs, CostVolumeAttrs, CpuTensor, GridSampleAttrs, LevelShape } from '../../src/index.js';

/** A tensor as stored in the JSON cases (null = NaN). */
interface StoredTensor {
  readonly data: readonly (number | null)[];
  readonly dims: readonly number[];
  readonly type: 'float32';
}

/** |actual − expected| <= atol + rtol · |expected|. */
interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

interface StoredGridSampleCase {
  readonly name: string;
  readonly op: 'gridSample';
  readonly attrs: Required<GridSampleAttrs>;
  readonly inputs: { readonly input: StoredTensor; readonly grid: StoredTensor };
  readonly expected: StoredTensor;
  readonly tolerance: Tolerance;
}

interface StoredCostVolumeCase {
  readonly name: string;
  readonly op: 'costVolume';
  /** radius and scale; features per level `[B, C, H_l, W_l]`, queries `[B, N, C]` shared by the levels. */
  readonly attrs: { readonly radius: number; readonly scale?: number };
  readonly inputs: { readonly features: readonly StoredTensor[]; readonly queries: StoredTensor; readonly centers: StoredTensor };
  readonly expected: StoredTensor;
  readonly tolerance: Tolerance;
}

/** A gridSample case: input `[N, C, H, W]`, grid `[N, Ho, Wo, 2]` → expected `[N, C, Ho, Wo]`. */
export interface GridSampleCase {
  readonly name: string;
  readonly input: CpuTensor;
  readonly grid: CpuTensor;
  readonly attrs: Required<GridSampleAttrs>;
  readonly expected: CpuTensor;
  readonly tolerance: Tolerance;
}

/** A bilinearGather case: table `[S, C]`, positions `[P, 2]` → expected `[P, C]`. */
export interface BilinearGatherCase {
  readonly name: string;
  readonly table: CpuTensor;
  readonly positions: CpuTensor;
  readonly attrs: BilinearGatherAttrs;
  readonly expected: CpuTensor;
  readonly tolerance: Tolerance;
}

/** A costVolume case (run with every method): features `[B, S, C]`, queries `[B, N, L, C+1]`, centers `[B, N, 2]`. */
export interface CostVolumeCase {
  readonly name: string;
  readonly features: CpuTensor;
  readonly queries: CpuTensor;
  readonly centers: CpuTensor;
  readonly attrs: Omit<CostVolumeAttrs, 'method'>;
  readonly expected: CpuTensor;
  readonly tolerance: Tolerance;
}

const CASES_DIR = fileURLToPath(new URL('../../cases/', import.meta.url));

function load<T>(file: string): T[] {
  return (JSON.parse(readFileSync(`${CASES_DIR}${file}`, 'utf8')) as { cases: T[] }).cases;
}

function stored(t: StoredTensor): CpuTensor {
  return tensor(
    'float32',
    t.dims,
    Float32Array.from(t.data, (v) => v ?? Number.NaN),
  );
}

/** The 48 PyTorch `F.grid_sample` cases (every mode × padding × alignCorners). */
export function gridSampleCases(): GridSampleCase[] {
  return load<StoredGridSampleCase>('grid-sample.json').map((c) => ({
    name: c.name,
    input: stored(c.inputs.input),
    grid: stored(c.inputs.grid),
    attrs: c.attrs,
    expected: stored(c.expected),
    tolerance: c.tolerance,
  }));
}

/**
 * bilinearGather cases from the bilinear zeros / border gridSample cases, one per batch item: the
 * input `[N, C, H, W]` laid out token-major as one table `[N·H·W, C]` (item b = rows from b·H·W:
 * `start`), the grid turned into pixels the way PyTorch does it in float32 (align-corners: given as
 * (g + 1) / 2 with `pixelScale` [W − 1, H − 1]; otherwise ((g + 1)·W − 1) / 2 given as pixels), the
 * expected `[C, Ho, Wo]` of item b transposed to `[Ho·Wo, C]`.
 */
export function bilinearGatherCases(): BilinearGatherCase[] {
  const f = Math.fround;
  return gridSampleCases()
    .filter((c) => c.attrs.mode === 'bilinear' && c.attrs.paddingMode !== 'reflection')
    .flatMap((c) => {
      const [n, ch, h, w] = c.input.dims as [number, number, number, number];
      const [, ho, wo] = c.grid.dims as [number, number, number, number];
      const hw = h * w;
      const table = tensor('float32', [n * hw, ch]);
      for (let b = 0; b < n; b++)
        for (let k = 0; k < ch; k++) for (let p = 0; p < hw; p++) table.data[(b * hw + p) * ch + k] = c.input.data[(b * ch + k) * hw + p]!;
      return Array.from({ length: n }, (_, b) => {
        const count = ho * wo;
        const grid = c.grid.data.subarray(b * count * 2, (b + 1) * count * 2);
        const positions = tensor('float32', [count, 2]);
        grid.forEach((g, i) => {
          const size = i % 2 === 0 ? w : h;
          positions.data[i] = c.attrs.alignCorners ? f(f(g + 1) / 2) : f(f(f(f(g + 1) * size) - 1) / 2);
        });
        const expected = tensor('float32', [count, ch]);
        for (let k = 0; k < ch; k++) for (let p = 0; p < count; p++) expected.data[p * ch + k] = c.expected.data[(b * ch + k) * count + p]!;
        const attrs: BilinearGatherAttrs = {
          height: h,
          width: w,
          start: b * hw,
          paddingMode: c.attrs.paddingMode as 'zeros' | 'border',
          ...(c.attrs.alignCorners ? { pixelScale: [w - 1, h - 1] as const } : {}),
        };
        return { name: `${c.name} [item ${b}]`, table, positions, attrs, expected, tolerance: c.tolerance };
      });
    });
}

/**
 * The 3 PyTorch costVolume cases in the contract's layout, each in 3 variants with the same expected
 * values: `plain` (features token-major, the query repeated per level with bias 0); `per-level queries
 * and bias` (level l's features become F_l·2^l − a_l and its query [q·2^−l, 2^−l⟨q, a_l⟩], so
 * ⟨q', [f'; 1]⟩ = ⟨q, f⟩); `pixelScale` (centers divided by [4, 0.5], given back as `pixelScale`).
 */
export function costVolumeCases(): CostVolumeCase[] {
  return load<StoredCostVolumeCase>('cost-volume.json').flatMap((c) => {
    const maps = c.inputs.features.map(stored);
    const queries = stored(c.inputs.queries);
    const centers = stored(c.inputs.centers);
    const [b, n, ch] = queries.dims as [number, number, number];
    const levels: LevelShape[] = maps.map((m) => ({ h: m.dims[2]!, w: m.dims[3]! }));
    const L = levels.length;
    const tokens = levels.reduce((s, l) => s + l.h * l.w, 0);
    /** a_l[k]: small dyadic offsets, different per level and channel. */
    const offset = (l: number, k: number) => ((k % 3) - 1) * 0.375 + l * 0.125;
    const layout = (folded: boolean) => {
      const features = tensor('float32', [b, tokens, ch]);
      let start = 0;
      maps.forEach((m, l) => {
        const hw = levels[l]!.h * levels[l]!.w;
        for (let f = 0; f < b; f++)
          for (let k = 0; k < ch; k++)
            for (let p = 0; p < hw; p++) {
              const v = m.data[(f * ch + k) * hw + p]!;
              features.data[(f * tokens + start + p) * ch + k] = folded ? v * 2 ** l - offset(l, k) : v;
            }
        start += hw;
      });
      const q = tensor('float32', [b, n, L, ch + 1]);
      for (let i = 0; i < b * n; i++)
        for (let l = 0; l < L; l++) {
          const o = (i * L + l) * (ch + 1);
          let bias = 0;
          for (let k = 0; k < ch; k++) {
            const qk = queries.data[i * ch + k]!;
            q.data[o + k] = folded ? qk * 2 ** -l : qk;
            bias += qk * offset(l, k);
          }
          q.data[o + ch] = folded ? bias * 2 ** -l : 0;
        }
      return { features, queries: q };
    };
    const attrs = { levels, radius: c.attrs.radius, ...(c.attrs.scale === undefined ? {} : { scale: c.attrs.scale }) };
    const common = { centers, expected: stored(c.expected), tolerance: c.tolerance };
    const scaledCenters = tensor(
      'float32',
      centers.dims,
      centers.data.map((v, i) => (i % 2 === 0 ? v / 4 : v / 0.5)),
    );
    return [
      { name: `${c.name} (plain)`, ...layout(false), attrs, ...common },
      { name: `${c.name} (per-level queries and bias)`, ...layout(true), attrs, ...common },
      { name: `${c.name} (pixelScale)`, ...layout(false), attrs: { ...attrs, pixelScale: [4, 0.5] as const }, ...common, centers: scaledCenters },
    ];
  });
}
