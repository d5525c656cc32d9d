// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import { colorsOf, defaultOverlayStyle, type OverlayStyle, type OverlayStyleOptions, type TrackSet } from '@taptr/tensor/track-style';
import type { VideoSource } from '../input/video-source.js';
import { drawOverlayFrame, drawSummary } from './draw-tracks.js';
import { type FrameSink, OVERLAY_FORMS, openPngFrameSink, openVideoSink, overlayTarget, writePng } from './frame-sink.js';

/** Options of {@link writeOverlay}. */
export interface WriteOverlayOptions {
  /** Where the summary PNG goes; omitted = no summary. */
  readonly summary?: string;
  /**
   * The whole style, or the parts set by hand (`radius`, `trail`, `lineWidth`, `colors`); the rest
   * is {@link defaultOverlayStyle} for the video's size and the number of points.
   */
  readonly style?: OverlayStyle | OverlayStyleOptions;
  /** Called after each frame is written with the number of frames done. */
  readonly onFrame?: (done: number) => void;
  readonly env?: NodeJS.ProcessEnv;
}

function resolveStyle(video: VideoSource, set: TrackSet, style: OverlayStyle | OverlayStyleOptions | undefined): OverlayStyle {
  if (style !== undefined && 'scale' in style) return style;
  return defaultOverlayStyle(video.width, video.height, set.points, style ?? {});
}

/**
 * Renders the overlay of `set` on `video` into `out`: a video file when `out` ends in
 * .mp4/.mov/.mkv/.webm (ffmpeg), a folder of PNG frames when it has no extension or ends in `/`
 * ({@link overlayTarget}); plus the summary PNG (whole trajectories on the first frame) when
 * `options.summary` is given.
 * @returns the number of frames written.
 * @throws TaptrError `TAPTR_INVALID_ARGUMENT` for any other path (checked before anything is written).
 */
export async function writeOverlay(video: VideoSource, set: TrackSet, out: string, options: WriteOverlayOptions = {}): Promise<number> {
  const target = overlayTarget(out);
  if (target === undefined) throw new TaptrError('TAPTR_INVALID_ARGUMENT', `the overlay must be ${OVERLAY_FORMS}, got ${out}`);
  const style = resolveStyle(video, set, options.style);
  const colors = colorsOf(set, style);
  const w = video.width * style.scale;
  const h = video.height * style.scale;
  const sink: FrameSink = target === 'video' ? openVideoSink(out, w, h, video.fps, options.env) : await openPngFrameSink(out);
  let t = 0;
  try {
    for await (const data of video.frames()) {
      if (t >= set.frames) break;
      const frame = { width: video.width, height: video.height, data };
      if (t === 0 && options.summary !== undefined) await writePng(options.summary, drawSummary(frame, set, style, colors));
      await sink.write(drawOverlayFrame(frame, t, set, style, colors));
      t++;
      options.onFrame?.(t);
    }
  } finally {
    await sink.close();
  }
  return t;
}

/**
 * Writes only the summary PNG of `set` on the first frame of `video` (see `drawSummary`): the one
 * frame is decoded, nothing else.
 * @throws TaptrError `TAPTR_IO` when the file cannot be written, `TAPTR_VIDEO_FORMAT` when the video has no frame.
 */
export async function writeSummary(video: VideoSource, set: TrackSet, path: string, options: Pick<WriteOverlayOptions, 'style'> = {}): Promise<void> {
  const style = resolveStyle(video, set, options.style);
  for await (const data of video.frames()) {
    await writePng(path, drawSummary({ width: video.width, height: video.height, data }, set, style));
    return;
  }
  throw new TaptrError('TAPTR_VIDEO_FORMAT', `${video.path}: the video has no frame to draw the summary on`);
}
