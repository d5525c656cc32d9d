// SPDX-License-Identifier: Apache-2.0
import { describeValue, formatShape, invalidArgument } from '@taptr/tensor';
import { resolveBilinearGatherAttrs } from './contract/bilinear-gather.js';
import { costVolumeTaps, resolveCostVolumeAttrs } from './contract/cost-volume.js';
import { resolveGridSampleAttrs } from './contract/grid-sample.js';
import type { OpsBackend, OpsKernels, OpsTensor } from './contract/ops-backend.js';

/**
 * Wraps backend kernels in the validating façade: arguments are checked once here (TypeError for a
 * wrong kind of value, RangeError for a wrong shape or value, messages `fn: arg must be <expected>,
 * got <actual>`), attributes get their defaults, and the output is allocated unless given.
 * @param kernels - the backend's unchecked kernels.
 * @returns the checked {@link OpsBackend}.
 * @internal
 */
export function withValidation<T extends OpsTensor>(kernels: OpsKernels<T>): OpsBackend<T> {
  const check = (fn: string, arg: string, value: unknown, pattern: readonly (number | string)[], named: Record<string, number> = {}) =>
    checkOpsTensor(kernels, fn, arg, value, pattern, named);
  const output = (fn: string, out: T | undefined, dims: readonly number[]): T => {
    if (out === undefined) return kernels.allocate(dims);
    check(fn, 'out', out, dims);
    return out;
  };
  return {
    name: kernels.name,
    upload: (view) => {
      checkOpsTensor(CPU_STORAGE, 'upload', 'view', view, anyShape(view));
      return kernels.upload(view);
    },
    download: (tensor) => {
      check('download', 'tensor', tensor, anyShape(tensor));
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
      const target = output(fn, out, [s.N!, s.C!, g.Ho!, g.Wo!]);
      await kernels.gridSample(input, grid, resolved, target);
      return target;
    },
    async bilinearGather(table, positions, attrs, out) {
      const fn = 'bilinearGather';
      const t = check(fn, 'table', table, ['S', 'C']);
      const p = check(fn, 'positions', positions, ['P', 2]);
      const resolved = resolveBilinearGatherAttrs(fn, attrs);
      const rows = resolved.height * resolved.width;
      if (resolved.start + rows > t.S!) {
        throw invalidArgument('range', fn, 'attrs.start', `at most ${t.S! - rows} (S = ${t.S} rows, map of ${rows})`, String(resolved.start));
      }
      const target = output(fn, out, [p.P!, t.C!]);
      await kernels.bilinearGather(table, positions, resolved, target);
      return target;
    },
    async costVolume(features, queries, centers, attrs, out) {
      const fn = 'costVolume';
      const f = check(fn, 'features', features, ['B', 'S', 'C']);
      const resolved = resolveCostVolumeAttrs(fn, attrs, f.C!);
      if (resolved.tokens !== f.S) {
        throw invalidArgument('range', fn, 'attrs.levels', `levels of S = ${f.S} tokens in all (features [B, S, C])`, `${resolved.tokens} tokens`);
      }
      const named = check(fn, 'queries', queries, ['B', 'N', 'L', 'C+1'], { ...f, L: resolved.levels.length, 'C+1': f.C! + 1 });
      check(fn, 'centers', centers, ['B', 'N', 2], named);
      const target = output(fn, out, [named.B!, named.N!, resolved.levels.length * costVolumeTaps(resolved.radius)]);
      await kernels.costVolume(features, queries, centers, resolved, target);
      return target;
    },
    dispose: () => kernels.dispose(),
  };
}

/** A shape pattern that accepts any dims of `value`'s rank (none when it has no dims array). */
function anyShape(value: unknown): number[] {
  const dims = value !== null && typeof value === 'object' ? (value as { dims?: unknown }).dims : undefined;
  return Array.isArray(dims) ? dims.map(() => -1) : [];
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
  const t = (value !== null && typeof value === 'object' ? value : {}) as { type?: unknown; dims?: unknown };
  if (!Array.isArray(t.dims) || typeof t.type !== 'string') {
    throw invalidArgument('type', fn, arg, 'a float32 tensor {type, dims, ...}', describeValue(value));
  }
  const dims = t.dims as readonly number[];
  if (t.type !== 'float32') throw invalidArgument('type', fn, arg, 'of type float32', `${t.type} tensor ${formatShape(dims)}`);
  if (!dims.every((d) => Number.isInteger(d) && d >= 0)) throw invalidArgument('range', fn, `${arg}.dims`, 'non-negative integers', describeValue([...dims]));
  // Names known before this tensor are shown with their value.
  const expected = () =>
    `of shape [${pattern.map((p) => (typeof p === 'number' ? (p < 0 ? '*' : String(p)) : named[p] !== undefined ? `${p}=${named[p]}` : p)).join(', ')}]`;
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
