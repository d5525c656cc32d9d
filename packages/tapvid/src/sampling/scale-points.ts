// SPDX-License-Identifier: Apache-2.0
import { checkTensor, invalidArgument, tensor, type TensorView } from '@taptr/tensor';

/**
 * How normalized points become pixels (docs/coordinates.md): `'tapnet'` multiplies x by W and y
 * by H (tapnet, the TAP-Vid reference); `'taptr'` by W - 1 and H - 1 (TAPTR / CoTracker, whose
 * published numbers use it).
 */
export type PointScale = 'tapnet' | 'taptr';

/**
 * Converts normalized (x, y) points to pixels of a `width` x `height` video, in float64 (a float32
 * input is upcast first, as NumPy does when multiplying by an int array).
 * @param points - `[..., 2]` float normalized (x, y).
 * @returns `[..., 2]` float64 pixels.
 */
export function scalePoints(points: TensorView, width: number, height: number, scale: PointScale): TensorView<'float64'> {
  const rank = Array.isArray(points?.dims) && points.dims.length > 0 ? points.dims.length : 2;
  checkTensor('scalePoints', 'points', points, ['float32', 'float64'], [...new Array<number>(rank - 1).fill(-1), 2]);
  if (scale !== 'tapnet' && scale !== 'taptr') throw invalidArgument('range', 'scalePoints', 'scale', "'tapnet' or 'taptr'", String(scale));
  const sx = scale === 'tapnet' ? width : width - 1;
  const sy = scale === 'tapnet' ? height : height - 1;
  const src = points.data as Float32Array | Float64Array;
  const out = tensor('float64', points.dims);
  for (let i = 0; i < src.length; i += 2) {
    out.data[i] = src[i]! * sx;
    out.data[i + 1] = src[i + 1]! * sy;
  }
  return out;
}
