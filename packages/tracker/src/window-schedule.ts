// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';

/** Frames per decoder window (K). */
export const WINDOW_SIZE = 8;
/** Frames between the starts of consecutive windows. */
export const WINDOW_STRIDE = 4;

/** One sliding window: frames `start..end` inclusive (always {@link WINDOW_SIZE} frames). */
export interface FrameWindow {
  /** Window id in the schedule (skipped windows keep their id). */
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The official sliding-window schedule (`get_window_range`, spec §9) of a video of T >= 8 frames:
 * n = floor((T - 8) / 4) + 1 windows [4w, 4w + 7], plus one window [T - 8, T - 1] when those do not
 * reach the last frame.
 * @example windowSchedule(50) // [0,7], [4,11], ..., [40,47], [42,49]
 */
export function windowSchedule(frameCount: number): FrameWindow[] {
  if (!Number.isInteger(frameCount) || frameCount < WINDOW_SIZE) {
    throw invalidArgument('range', 'windowSchedule', 'frameCount', `an integer >= ${WINDOW_SIZE}`, describeValue(frameCount));
  }
  const regular = Math.floor((frameCount - WINDOW_SIZE) / WINDOW_STRIDE) + 1;
  const windows: FrameWindow[] = [];
  for (let w = 0; w < regular; w++) windows.push({ index: w, start: WINDOW_STRIDE * w, end: WINDOW_STRIDE * w + WINDOW_SIZE - 1 });
  if (WINDOW_SIZE + WINDOW_STRIDE * (regular - 1) < frameCount) {
    windows.push({ index: regular, start: frameCount - WINDOW_SIZE, end: frameCount - 1 });
  }
  return windows;
}

/**
 * Whether the content features are copied forward after decoding window `index` (spec §9 step 4):
 * always when T <= 24, otherwise ("long video mode") only when index mod floor(T / 24) = 0.
 * With `frameCount` undefined (a stream of unknown length) features are copied after every window,
 * which is the official rule for every T <= 47.
 */
export function padsContentAfter(index: number, frameCount: number | undefined): boolean {
  if (frameCount === undefined || frameCount <= 24) return true;
  return index % Math.floor(frameCount / 24) === 0;
}
