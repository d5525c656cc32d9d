// SPDX-License-Identifier: Apache-2.0
import { materializeArray } from '@taptr/pickle';
import { describeValue, formatShape, invalidArgument, isTaptrError, TaptrError, type TensorView } from '@taptr/tensor';
import type { QueryMode } from '../metrics/compute-tapvid-metrics.js';
import { sampleQueriesFirst } from '../sampling/sample-queries-first.js';
import { sampleQueriesStrided } from '../sampling/sample-queries-strided.js';
import { scalePoints, type PointScale } from '../sampling/scale-points.js';
import { decodeJpegFrames } from '../video/decode-jpeg-frames.js';
import { resizeVideoLanczos } from '../video/resize-lanczos.js';
import type { VideoEntry } from './video-entries.js';

/** How a stored video is turned into an evaluation example. */
export interface PrepareVideoOptions {
  /** 256: resize frames to 256x256 (Lanczos, tapnet's evaluation size); 'none': keep the stored size. Defaults to 256. */
  readonly resize?: 256 | 'none';
  /** Query sampling: 'first' (first visible frame) or 'strided' (every 5th frame). Defaults to 'first'. */
  readonly queryMode?: QueryMode;
  /** Normalized -> pixel scale: 'tapnet' (x W, y H) or 'taptr' (x (W-1), y (H-1)). Defaults to 'tapnet'. */
  readonly scale?: PointScale;
  /** Query stride of 'strided' sampling. Defaults to 5. */
  readonly stride?: number;
}

/** One TAP-Vid video ready for tracking and scoring. W, H are the evaluated (possibly resized) size. */
export interface TapvidVideo {
  /** Video name (dict key) or `<prefix><index>` for list datasets. */
  readonly name: string;
  /** `[T, H, W, 3]` uint8 RGB frames (resized when `resize` is 256). */
  readonly video: TensorView<'uint8'>;
  /** `[N, T, 2]` float64 ground-truth (x, y) in pixels of the evaluated size, at the chosen scale. */
  readonly points: TensorView<'float64'>;
  /** `[N, T]` bool ground-truth occlusion. */
  readonly occluded: TensorView<'bool'>;
  /** `[1, Q, 3]` float64 (t, y, x) queries ('first' or 'strided' sampling of `points`). */
  readonly queryPoints: TensorView<'float64'>;
  /** `[1, Q, T, 2]` float64 ground truth of each query (the metric's `gtTracks`). */
  readonly targetPoints: TensorView<'float64'>;
  /** `[1, Q, T]` bool occlusion of each query's track (the metric's `gtOccluded`). */
  readonly targetOccluded: TensorView<'bool'>;
  /** `[1, Q]` int64 source track of each query ('strided' only). */
  readonly trackgroup?: TensorView<'int64'>;
  /** Size of the stored frames before any resize. */
  readonly originalSize: { readonly width: number; readonly height: number };
}

function fail(source: string, name: string, message: string): never {
  throw new TaptrError('TAPTR_DATASET_FORMAT', `${source}: video '${name}': ${message}`);
}

/**
 * Runs a read step of one video (loading a lazy array, decoding JPEG frames); a failure keeps its
 * TaptrError code (`TAPTR_IO`, `TAPTR_VIDEO_FORMAT`, ...) and gains the file and video in its
 * message; anything untyped becomes `TAPTR_DATASET_FORMAT`.
 */
function step<T>(source: string, name: string, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const message = `${source}: video '${name}': ${what}: ${(error as Error)?.message ?? String(error)}`;
    throw new TaptrError(isTaptrError(error) ? error.code : 'TAPTR_DATASET_FORMAT', message, { cause: error });
  }
}

function isTensor(value: unknown): value is TensorView {
  return typeof value === 'object' && value !== null && Array.isArray((value as TensorView).dims) && typeof (value as TensorView).type === 'string';
}

/**
 * Turns one stored TAP-Vid video (`{video, points, occluded}` dict, arrays possibly lazy) into an
 * evaluation example like tapnet's readers: JPEG frames decoded (Kinetics), frames resized to
 * 256x256 (Lanczos) unless `resize: 'none'`, points scaled to pixels of the evaluated size, then
 * queries sampled ('first' or 'strided').
 * @param source - file name for error messages.
 * @throws TaptrError `TAPTR_DATASET_FORMAT` when keys, dtypes or shapes are not those of TAP-Vid,
 *   `TAPTR_VIDEO_FORMAT` for an undecodable JPEG frame, `TAPTR_IO` when a payload cannot be read;
 *   every message names `source` and the video.
 */
export function prepareTapvidVideo(entry: VideoEntry, source: string, options: PrepareVideoOptions = {}): TapvidVideo {
  const resize = options.resize ?? 256;
  const queryMode = options.queryMode ?? 'first';
  const scale = options.scale ?? 'tapnet';
  if (resize !== 256 && resize !== 'none') throw invalidArgument('range', 'prepareTapvidVideo', 'options.resize', "256 or 'none'", String(resize));
  if (queryMode !== 'first' && queryMode !== 'strided')
    throw invalidArgument('range', 'prepareTapvidVideo', 'options.queryMode', "'first' or 'strided'", String(queryMode));
  if (scale !== 'tapnet' && scale !== 'taptr') throw invalidArgument('range', 'prepareTapvidVideo', 'options.scale', "'tapnet' or 'taptr'", String(scale));
  const { name, record } = entry;
  for (const key of ['video', 'points', 'occluded']) if (!record.has(key)) fail(source, name, `missing key '${key}'`);

  const rawVideo = step(source, name, "reading 'video'", () => materializeArray(record.get('video')));
  let frames: TensorView;
  if (Array.isArray(rawVideo) && rawVideo.length > 0 && rawVideo.every((item) => item instanceof Uint8Array)) {
    frames = step(source, name, 'decoding its JPEG frames', () => decodeJpegFrames(rawVideo));
  } else if (isTensor(rawVideo) && rawVideo.type === 'uint8' && rawVideo.dims.length === 4 && rawVideo.dims[3] === 3) {
    frames = rawVideo;
  } else {
    fail(source, name, `'video' must be uint8 [T, H, W, 3] or an array of JPEG bytes, got ${describeValue(rawVideo)}`);
  }
  const points = step(source, name, "reading 'points'", () => materializeArray(record.get('points')));
  const occluded = step(source, name, "reading 'occluded'", () => materializeArray(record.get('occluded')));
  const [T, H, W] = frames.dims as [number, number, number, number];
  if (
    !isTensor(points) ||
    (points.type !== 'float32' && points.type !== 'float64') ||
    points.dims.length !== 3 ||
    points.dims[1] !== T ||
    points.dims[2] !== 2
  ) {
    fail(source, name, `'points' must be float32/float64 [N, T=${T}, 2], got ${describeValue(points)}`);
  }
  const N = points.dims[0]!;
  if (!isTensor(occluded) || occluded.type !== 'bool' || formatShape(occluded.dims) !== formatShape([N, T])) {
    fail(source, name, `'occluded' must be bool [N=${N}, T=${T}], got ${describeValue(occluded)}`);
  }
  const video = resize === 256 ? resizeVideoLanczos(frames, 256, 256) : (frames as TensorView<'uint8'>);
  const evalH = video.dims[1]!;
  const evalW = video.dims[2]!;
  const pixels = scalePoints(points, evalW, evalH, scale);
  const queries = queryMode === 'first' ? sampleQueriesFirst(occluded, pixels) : sampleQueriesStrided(occluded, pixels, { stride: options.stride ?? 5 });
  return {
    name,
    video,
    points: pixels,
    occluded: occluded as TensorView<'bool'>,
    queryPoints: queries.queryPoints,
    targetPoints: queries.targetPoints,
    targetOccluded: queries.occluded,
    ...(queries.trackgroup === undefined ? {} : { trackgroup: queries.trackgroup }),
    originalSize: { width: W, height: H },
  };
}
