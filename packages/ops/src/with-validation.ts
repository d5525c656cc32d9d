// SPDX-License-Identifier: Apache-2.0
import { describeValue, formatShape, invalidArgument } from '@taptr/tensor';
import {
  COST_VOLUME_METHODS,
  DEFAULT_COST_VOLUME_RADIUS,
  DEFAULT_GRID_SAMPLE_ATTRS,
  GRID_SAMPLE_MODES,
  GRID_SAMPLE_PADDING_MODES,
  type CostVolumeAttrs,
  type GridSampleAttrs,
  type ResolvedCostVolumeAttrs,
} from './attrs.js';
import type { OpsBackend, OpsKernels, OpsTensor } from './ops-backend.js';

/**
 * Wraps backend kernels in the validating façade: arguments are checked once here (TypeError for a
 * wrong kind of value, RangeError for a wrong shape or value, messages `fn: arg must be <expected>,
 * got <actual>`), attributes get their defaults, and the output is allocated unless given.
 * @param kernels - the backend's unchecked kernels.
 * @returns the checked {@link OpsBackend}.
 */
export function withValidation<T extends OpsTensor>(kernels: OpsKernels<T>): OpsBackend<T> {
  const check = (fn: string, arg: string, value: unknown, pattern: readonly (number | string)[], named: Record<string, number> = {}) =>
    checkOpsTensor(kernels, fn, arg, value, pattern, named);
  return {
    name: kernels.name,
    upload: (view) => {
      checkOpsTensor(CPU_STORAGE, 'upload', 'view', view, view && Array.isArray(view.dims) ? view.dims.map(() => -1) : []);
      return kernels.upload(view);
    },
    download: (tensor) => {
      check('download', 'tensor', tensor, tensor && Array.isArray(tensor.dims) ? tensor.dims.map(() => -1) : []);
      return kernels.download(tensor);
    },
    allocate: (dims) => {
      if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
        throw invalidArgument('range', 'allocate', 'dims', 'an array of non-negative integers', describeValue(dims));
      }
      return kernels.allocate(dims);
    },
    release: (tensor) => kernels.release(tensor),
    async gridSample(input, grid, attrs = {}, out) {
      const fn = 'gridSample';
      const s = check(fn, 'input', input, ['N', 'C', 'H', 'W']);
      if (s.H! < 1 || s.W! < 1) throw invalidArgument('range', fn, 'input', 'of shape [N, C, H, W] with H, W >= 1', formatShape(input.dims));
      const g = check(fn, 'grid', grid, ['N', 'Ho', 'Wo', 2], { N: s.N! });
      const resolved = resolveGridSampleAttrs(fn, attrs);
      const outDims = [s.N!, s.C!, g.Ho!, g.Wo!];
      const target = out ?? kernels.allocate(outDims);
      if (out !== undefined) check(fn, 'out', out, outDims);
      await kernels.gridSample(input, grid, resolved, target);
      return target;
    },
    async costVolume(features, queries, centers, attrs = {}, out) {
      const fn = 'costVolume';
      if (!Array.isArray(features) || features.length === 0) {
        throw invalidArgument('type', fn, 'features', 'a non-empty array of [B, C, H_l, W_l] tensors', describeValue(features));
      }
      let named: Record<string, number> = {};
      features.forEach((f, l) => {
        named = check(fn, `features[${l}]`, f, ['B', 'C', -1, -1], named);
        if (f.dims[2]! < 1 || f.dims[3]! < 1) throw invalidArgument('range', fn, `features[${l}]`, 'of shape [B, C, H_l, W_l] with H_l, W_l >= 1', formatShape(f.dims));
      });
      named = check(fn, 'queries', queries, ['B', 'N', 'C'], named);
      check(fn, 'centers', centers, ['B', 'N', 2], named);
      const resolved = resolveCostVolumeAttrs(fn, attrs, named.C!);
      const k = 2 * resolved.radius + 1;
      const outDims = [named.B!, named.N!, features.length * k * k];
      const target = out ?? kernels.allocate(outDims);
      if (out !== undefined) check(fn, 'out', out, outDims);
      await kernels.costVolume(features, queries, centers, resolved, target);
      return target;
    },
    dispose: () => kernels.dispose(),
  };
}

/** Resolves and checks {@link GridSampleAttrs}. @internal */
export function resolveGridSampleAttrs(fn: string, attrs: GridSampleAttrs): Readonly<Required<GridSampleAttrs>> {
  if (attrs === null || typeof attrs !== 'object') throw invalidArgument('type', fn, 'attrs', 'an object', describeValue(attrs));
  const { mode = DEFAULT_GRID_SAMPLE_ATTRS.mode, paddingMode = DEFAULT_GRID_SAMPLE_ATTRS.paddingMode, alignCorners = DEFAULT_GRID_SAMPLE_ATTRS.alignCorners } = attrs;
  if (!GRID_SAMPLE_MODES.includes(mode)) throw invalidArgument('range', fn, 'attrs.mode', `one of ${listOf(GRID_SAMPLE_MODES)}`, describeValue(mode));
  if (!GRID_SAMPLE_PADDING_MODES.includes(paddingMode)) {
    throw invalidArgument('range', fn, 'attrs.paddingMode', `one of ${listOf(GRID_SAMPLE_PADDING_MODES)}`, describeValue(paddingMode));
  }
  if (typeof alignCorners !== 'boolean') throw invalidArgument('type', fn, 'attrs.alignCorners', 'a boolean', describeValue(alignCorners));
  return { mode, paddingMode, alignCorners };
}

/** Resolves and checks {@link CostVolumeAttrs} for `channels` feature channels. @internal */
export function resolveCostVolumeAttrs(fn: string, attrs: CostVolumeAttrs, channels: number): ResolvedCostVolumeAttrs {
  if (attrs === null || typeof attrs !== 'object') throw invalidArgument('type', fn, 'attrs', 'an object', describeValue(attrs));
  const { radius = DEFAULT_COST_VOLUME_RADIUS, scale = 1 / Math.sqrt(Math.max(channels, 1)), method = 'window' } = attrs;
  if (typeof radius !== 'number' || !Number.isInteger(radius) || radius < 0 || radius > 64) {
    throw invalidArgument('range', fn, 'attrs.radius', 'an integer in [0, 64]', describeValue(radius));
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw invalidArgument('range', fn, 'attrs.scale', 'a finite number', describeValue(scale));
  if (!COST_VOLUME_METHODS.includes(method)) throw invalidArgument('range', fn, 'attrs.method', `one of ${listOf(COST_VOLUME_METHODS)}`, describeValue(method));
  return { radius, scale, method };
}

function listOf(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(' | ');
}

/** Storage check of CPU views (used by `upload` on every backend). */
const CPU_STORAGE: Pick<OpsKernels, 'checkStorage'> = {
  checkStorage(fn, arg, value) {
    const data = (value as { data?: unknown }).data;
    if (!(data instanceof Float32Array)) throw invalidArgument('type', fn, `${arg}.data`, 'a Float32Array', describeValue(data));
    const size = value.dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw invalidArgument('range', fn, `${arg}.data`, `${size} elements for shape ${formatShape(value.dims)}`, `${data.length}`);
  },
};

/**
 * Checks that `value` is a float32 backend tensor whose shape matches `pattern` (numbers must match,
 * -1 matches anything, a name must match wherever it appears), then the backend-specific storage.
 * Returns the resolved named sizes.
 */
function checkOpsTensor(
  storage: Pick<OpsKernels, 'checkStorage'>,
  fn: string,
  arg: string,
  value: unknown,
  pattern: readonly (number | string)[],
  named: Record<string, number> = {},
): Record<string, number> {
  const t = value as Partial<OpsTensor> | null | undefined;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.dims) || typeof t.type !== 'string') {
    throw invalidArgument('type', fn, arg, 'a float32 tensor {type, dims, ...}', describeValue(value));
  }
  if (t.type !== 'float32') throw invalidArgument('type', fn, arg, 'of type float32', `${t.type} tensor ${formatShape(t.dims)}`);
  const dims = t.dims as readonly number[];
  if (!dims.every((d) => Number.isInteger(d) && d >= 0)) throw invalidArgument('range', fn, `${arg}.dims`, 'non-negative integers', describeValue([...dims]));
  const expected = () => `of shape [${pattern.map((p) => (typeof p === 'number' ? (p < 0 ? '*' : String(p)) : resolved[p] !== undefined ? `${p}=${resolved[p]}` : p)).join(', ')}]`;
  const resolved: Record<string, number> = { ...named };
  if (dims.length !== pattern.length) throw invalidArgument('range', fn, arg, expected(), formatShape(dims));
  pattern.forEach((p, i) => {
    const d = dims[i]!;
    if (typeof p === 'number') {
      if (p >= 0 && d !== p) throw invalidArgument('range', fn, arg, expected(), formatShape(dims));
    } else if (resolved[p] === undefined) {
      resolved[p] = d;
    } else if (resolved[p] !== d) {
      throw invalidArgument('range', fn, arg, expected(), formatShape(dims));
    }
  });
  storage.checkStorage(fn, arg, t as OpsTensor);
  return resolved;
}
