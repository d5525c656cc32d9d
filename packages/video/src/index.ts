// SPDX-License-Identifier: Apache-2.0
// Video in: video files (ffmpeg), PNG/JPEG frame folders and .npy arrays as RGB frames.
export { openVideo } from './input/open-video.js';
export type { OpenVideoOptions } from './input/open-video.js';
export { isSelected, selectFrames } from './input/frame-selection.js';
export type { FrameSelection, SelectedFrames } from './input/frame-selection.js';
export { fromOriginalPixels, originOf, sourceFrameOf, toOriginalPixels } from './input/video-origin.js';
export { resizedSize, resizeVideo } from './input/resize-frames.js';
export { DEFAULT_FPS, readAllFrames, videoFromTensor } from './input/video-source.js';
export type { VideoOrigin, VideoSource } from './input/video-source.js';
export { frameTensors } from './input/frame-tensors.js';
export { readVideoFile } from './input/read-video-file.js';
export { readNpyVideo } from './input/read-npy-video.js';
export { decodeJpegRgb, decodePngRgb, readFrameFolder, readImageRgb } from './input/read-frame-folder.js';
export type { RgbFrame } from './input/read-frame-folder.js';
export { decodePng, MAX_PNG_PIXELS, pngStructureError } from './input/decode-png.js';
export type { DecodedPng } from './input/decode-png.js';
export { ffmpegCommand, hasFfmpeg } from './input/ffmpeg-command.js';
export { naturalCompare } from './input/natural-compare.js';
// Video out: track overlays (video file or PNG frames) and the summary picture.
export { writeOverlay, writeSummary } from './overlay/write-overlay.js';
export type { WriteOverlayOptions } from './overlay/write-overlay.js';
// The tracks to draw (TrackSet), the colours and the default style: @taptr/tensor/track-style (shared with the web page).
export { drawOverlayFrame, drawSummary, SUMMARY_MAX_TRAILS, summaryTrails } from './overlay/draw-tracks.js';
export { OVERLAY_FORMS, overlayTarget, openPngFrameSink, openVideoSink, VIDEO_EXTENSIONS, writePng } from './overlay/frame-sink.js';
export type { FrameSink, OverlayTarget } from './overlay/frame-sink.js';
export { parseColor } from './overlay/palette.js';
export type { RgbImage } from './overlay/rgb-image.js';
