// SPDX-License-Identifier: Apache-2.0
import { zipSync } from 'fflate';
import { tensor, type TensorView, writeNpy } from '@taptr/tensor';
import { positionOf, type TracksFileInput } from '@taptr/tracker';

/**
 * The arrays `taptr track --out x.npz` writes (NumPy names and layouts):
 * - `tracks` float32 `[N, T, 2]` (x, y) in the video's pixels, NaN where a point has no position
 *   (forward mode: the frames before its query frame, docs/coordinates.md);
 * - `visible` bool `[N, T]` (false where there is no position);
 * - `queries` float32 `[N, 3]` rows `(t, x, y)`, as the CLI's own query files;
 * - `query_points` float32 `[N, 3]` rows `(t, y, x)`, TAP-Vid's order (readable back with `--queries x.npy`);
 * - `frames` int32 `[T]`: the video file's frame index of each `t` (`--start`/`--stride` selections).
 */
interface TracksArrays {
  readonly tracks: TensorView<'float32'>;
  readonly visible: TensorView<'bool'>;
  readonly queries: TensorView<'float32'>;
  readonly query_points: TensorView<'float32'>;
  readonly frames: TensorView<'int32'>;
}

/** The {@link TracksArrays} of a tracking result. */
function tracksArrays(output: TracksFileInput): TracksArrays {
  const n = output.queries.length;
  const frames = output.video.frames;
  const tracks = new Float32Array(n * frames * 2).fill(Number.NaN);
  const visible = new Uint8Array(n * frames);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < frames; t++) {
      const p = positionOf(output, i, t);
      if (p === null) continue;
      tracks[(i * frames + t) * 2] = p[0];
      tracks[(i * frames + t) * 2 + 1] = p[1];
      visible[i * frames + t] = output.visible[i * frames + t] ? 1 : 0;
    }
  }
  const queries = new Float32Array(n * 3);
  const queryPoints = new Float32Array(n * 3);
  output.queries.forEach((q, i) => {
    queries.set([q.t, q.x, q.y], i * 3);
    queryPoints.set([q.t, q.y, q.x], i * 3);
  });
  const source = output.video.source;
  const frameIndex = Int32Array.from({ length: frames }, (_, t) => (source === undefined ? t : source.start + t * source.stride));
  return {
    tracks: tensor('float32', [n, frames, 2], tracks),
    visible: tensor('bool', [n, frames], visible),
    queries: tensor('float32', [n, 3], queries),
    query_points: tensor('float32', [n, 3], queryPoints),
    frames: tensor('int32', [frames], frameIndex),
  };
}

/** `--out x.npy`: the `tracks` array alone (float32 `[N, T, 2]`, NaN = no position); `.npz` holds the others too. */
export function tracksToNpy(output: TracksFileInput): Uint8Array {
  return writeNpy(tracksArrays(output).tracks);
}

/**
 * `--out x.npz`: every {@link TracksArrays} array as `<name>.npy` in a deflated zip, as NumPy's
 * `savez_compressed` writes it (`np.load('x.npz')['tracks']`).
 */
export function tracksToNpz(output: TracksFileInput): Uint8Array {
  const arrays = tracksArrays(output);
  const files: Record<string, [Uint8Array, { level: 6; mtime: Date }]> = {};
  // A fixed date: the same tracks give the same bytes.
  const mtime = new Date(Date.UTC(1980, 0, 1));
  for (const [name, array] of Object.entries(arrays) as [string, TensorView][]) files[`${name}.npy`] = [writeNpy(array), { level: 6, mtime }];
  return zipSync(files);
}
