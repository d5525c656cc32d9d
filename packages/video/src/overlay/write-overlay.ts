// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import type { VideoSource } from '../input/video-source.js';
import { defaultOverlayStyle, drawOverlayFrame, drawSummary, type OverlayStyle, type TrackSet } from './draw-tracks.js';
import { type FrameSink, OVERLAY_FORMS, openPngFrameSink, openVideoSink, overlayTarget, writePng } from './frame-sink.js';

/** Options of {@link writeOverlay}. */
export interface WriteOverlayOptions {
  /** Where the summary PNG goes; omitted = no summary. */
  readonly summary?: string;
  /** Defaults to {@link defaultOverlayStyle} for the video's size. */
  readonly style?: OverlayStyle;
  /** Called after each frame is written with the number of frames done. */
  readonly onFrame?: (done: number) => void;
  readonly env?: NodeJS.ProcessEnv;
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
  const style = options.style ?? defaultOverlayStyle(video.width, video.height);
  const w = video.width * style.scale;
  const h = video.height * style.scale;
  const sink: FrameSink = target === 'video' ? openVideoSink(out, w, h, video.fps, options.env) : await openPngFrameSink(out);
  let t = 0;
  try {
    for await (const data of video.frames()) {
      if (t >= set.frames) break;
      const frame = { width: video.width, height: video.height, data };
      if (t === 0 && options.summary !== undefined) await writePng(options.summary, drawSummary(frame, set, style));
      await sink.write(drawOverlayFrame(frame, t, set, style));
      t++;
      options.onFrame?.(t);
    }
  } finally {
    await sink.close();
  }
  return t;
}
