// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';

/**
 * Which frames of a video to read: `frames[start:end:stride]` in Python's slice terms (source frame
 * indices, `end` exclusive), then at most `maxFrames` of them. Applied while reading, so memory and
 * decode time follow the selected frames.
 */
export interface FrameSelection {
  /** First source frame (default 0). */
  readonly start?: number;
  /** Source frame to stop before (exclusive; default: the end of the video). */
  readonly end?: number;
  /** Keep every `stride`-th frame from `start` (default 1). */
  readonly stride?: number;
  /** Keep at most this many frames (default: all). */
  readonly maxFrames?: number;
}

/** A resolved {@link FrameSelection}: frame `t` of the selection is source frame `start + t · stride`. */
export interface SelectedFrames {
  readonly start: number;
  readonly stride: number;
  /** Selected frames; `undefined` when the source's length is unknown. */
  readonly count: number | undefined;
  /** Source frame to stop before, when bounded (by `end` or `maxFrames`). */
  readonly stop: number | undefined;
}

function checkInt(fn: string, arg: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidArgument(
      typeof value === 'number' ? 'range' : 'type',
      fn,
      arg,
      min === 0 ? 'a non-negative integer' : 'a positive integer',
      describeValue(value),
    );
  }
  return value;
}

/**
 * Resolves a selection against a source of `sourceFrames` frames (0 = unknown, as ffprobe may say).
 * @param path - names the video in messages.
 * @throws TypeError / RangeError for a malformed selection (`end <= start` included);
 *   TaptrError `TAPTR_INVALID_ARGUMENT` when `start` is past the last frame of a source of known length.
 */
export function selectFrames(sourceFrames: number, selection: FrameSelection = {}, path = 'video'): SelectedFrames {
  const fn = 'selectFrames';
  const start = checkInt(fn, 'selection.start', selection.start, 0) ?? 0;
  const end = checkInt(fn, 'selection.end', selection.end, 1);
  const stride = checkInt(fn, 'selection.stride', selection.stride, 1) ?? 1;
  const maxFrames = checkInt(fn, 'selection.maxFrames', selection.maxFrames, 1);
  if (end !== undefined && end <= start) throw invalidArgument('range', fn, 'selection.end', `a frame after start (${start})`, String(end));
  if (sourceFrames > 0 && start >= sourceFrames) {
    throw new TaptrError(
      'TAPTR_INVALID_ARGUMENT',
      `${path}: start frame ${start} is past the last frame (the video has ${sourceFrames} frames, 0 to ${sourceFrames - 1})`,
    );
  }
  const bounds = [sourceFrames > 0 ? sourceFrames : undefined, end, maxFrames !== undefined ? start + (maxFrames - 1) * stride + 1 : undefined];
  const defined = bounds.filter((b): b is number => b !== undefined);
  const stop = defined.length > 0 ? Math.min(...defined) : undefined;
  const count = sourceFrames > 0 && stop !== undefined ? Math.ceil((stop - start) / stride) : undefined;
  return { start, stride, count, stop };
}

/** True when frame `frame` of the source is part of the selection. */
export function isSelected(selection: SelectedFrames, frame: number): boolean {
  return frame >= selection.start && (selection.stop === undefined || frame < selection.stop) && (frame - selection.start) % selection.stride === 0;
}
