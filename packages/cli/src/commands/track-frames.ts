// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';
import type { QueryPoint, TracksFileVideo, VideoExtent } from '@taptr/tracker';
import { fromOriginalPixels, type OpenVideoOptions, openVideo, originOf, toOriginalPixels, type VideoSource } from '@taptr/video';
import { nonNegativeInt, positiveInt } from '../command-kit.js';
import { UsageError } from '../usage-error.js';

/** The frame options of `taptr track` (commander's camelCase names). */
export interface FrameOptions {
  start?: number;
  end?: number;
  stride?: number;
  maxFrames?: number;
  resize?: number;
}

/** Adds `--start --end --stride --max-frames --resize` to a command. */
export function addFrameOptions(command: Command): Command {
  return command
    .option(
      '--start <t>',
      'first frame of the video to track (default 0); every frame index the command takes or writes counts from it (t = 0 is this frame)',
      nonNegativeInt,
    )
    .option('--end <t>', "stop before this frame of the video (exclusive, like Python's frames[start:end])", positiveInt)
    .option('--stride <k>', 'track every k-th frame from --start (default 1)', positiveInt)
    .option('--max-frames <n>', 'track at most n frames (after --start/--end/--stride)', positiveInt)
    .option(
      '--resize <short-side>',
      "decode the frames with their short side resized to this many pixels (faster on big videos; never upscales); tracks and queries stay in the original video's pixels",
      positiveInt,
    );
}

/** The video as `taptr track` tracks it: selected and resized frames, and the original pixels everything else is in. */
export interface TrackVideo {
  /** The frames the tracker sees (selected, resized). */
  readonly video: VideoSource;
  /** What queries, masks and grids are checked against: the selected frames, in the original video's pixels. */
  readonly extent: VideoExtent;
  /** The tracks file's `video`: original size, selected frame count, and `source` when frames were selected. */
  readonly fileVideo: TracksFileVideo;
  /** Queries in the original pixels -> the tracker's (resized) pixels. */
  toTrackerQueries(queries: readonly QueryPoint[]): QueryPoint[];
  /** Tracks `[N, T, 2]` in the tracker's pixels -> the original video's (a copy). */
  toOriginalTracks(tracks: Float32Array | Float64Array): Float32Array | Float64Array;
  /** The same frames at the original size (for the overlay): the video itself when it was not resized. */
  originalFrames(): Promise<VideoSource>;
}

/**
 * Opens the video with the frame options: frames selected and resized while reading
 * (`openVideo`'s options), mapped back by the pixel-centre rule of docs/coordinates.md.
 * @throws UsageError for `--end` not after `--start`.
 */
export async function openTrackVideo(path: string, env: NodeJS.ProcessEnv, options: FrameOptions): Promise<TrackVideo> {
  if (options.end !== undefined && options.end <= (options.start ?? 0))
    throw new UsageError(`--end must be a frame after --start (${options.start ?? 0}), got ${options.end}`);
  const selection: OpenVideoOptions = {
    ...(options.start !== undefined ? { start: options.start } : {}),
    ...(options.end !== undefined ? { end: options.end } : {}),
    ...(options.stride !== undefined ? { stride: options.stride } : {}),
    ...(options.maxFrames !== undefined ? { maxFrames: options.maxFrames } : {}),
  };
  const video = await openVideo(path, env, { ...selection, ...(options.resize !== undefined ? { resize: options.resize } : {}) });
  const origin = originOf(video);
  const resized = origin.width !== video.width || origin.height !== video.height;
  const selected = video.origin !== undefined && (origin.start !== 0 || origin.stride !== 1 || video.frameCount !== origin.frameCount);
  return {
    video,
    extent: { frames: video.frameCount, width: origin.width, height: origin.height },
    fileVideo: {
      width: origin.width,
      height: origin.height,
      frames: video.frameCount,
      ...(selected ? { source: { start: origin.start, stride: origin.stride, frames: origin.frameCount } } : {}),
    },
    toTrackerQueries(queries) {
      if (!resized) return [...queries];
      const xy = fromOriginalPixels(
        video,
        queries.flatMap((q) => [q.x, q.y]),
      );
      return queries.map((q, i) => ({ t: q.t, x: xy[2 * i]!, y: xy[2 * i + 1]! }));
    },
    toOriginalTracks(tracks) {
      return resized ? toOriginalPixels(video, tracks.slice()) : tracks;
    },
    async originalFrames() {
      return resized ? openVideo(path, env, selection) : video;
    },
  };
}
