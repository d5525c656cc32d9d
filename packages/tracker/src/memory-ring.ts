// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import type { MemoryStorage, MemoryView } from './graph-runner.js';

/**
 * Frames of encoder memory a forward pass holds at most (spec §9): when window w is decided (frame
 * 4w + 7 arrives) it still holds frames 4w − 3.. (a video ending at 4w + 5..4w + 7 would end with the
 * window [T − 8, T − 1] starting there), i.e. 11 frames.
 */
const MEMORY_RING_FRAMES = 11;

/**
 * The encoder memories of consecutive frames in one contiguous storage `[capacity, S, C]`, allocated
 * once (by the graph runner's `allocateMemory` when it has one, so that memory can live on a GPU;
 * else a `Float32Array`): each frame's memory is written into its slot by the encoder itself, and any
 * run of held frames is one contiguous view, so a decoder window's `[8, S, C]` memory is never copied.
 * Frames are appended in order and dropped from the front; when the end of the storage is reached the
 * held frames move to its start (one `copyWithin`, at most every window). Views from
 * {@link MemoryRing.get} and {@link MemoryRing.range} are valid until the next {@link MemoryRing.reserve}.
 * Kept in the declarations (stripInternal would leave forward-pass.d.ts importing a type that is gone).
 */
export interface MemoryRing {
  /** Floats per frame (S·C); 0 until the first {@link MemoryRing.reserve}. */
  readonly frameSize: number;
  /** Frames held. */
  readonly size: number;
  /** First frame held (meaningless when empty). */
  readonly first: number;
  /** The memory of frame `t` (a view), or undefined when not held. */
  get(t: number): MemoryView | undefined;
  /**
   * Appends frame `t` (the next frame after the last one held, or any frame when empty) and returns
   * its slot `[S, C]` to write. Allocates the storage at the first call.
   * @throws TaptrError `TAPTR_INVALID_ARGUMENT` (internal error) when `t` is not the next frame, the
   *   size differs from the first frame's or the ring is full.
   */
  reserve(t: number, frameSize: number): MemoryView;
  /** Appends frame `t` holding a copy of `memory` (`[S, C]`, not a view of this ring). */
  put(t: number, memory: MemoryView): void;
  /** Appends the next frame holding a copy of the last frame held (padding of short videos). */
  repeatLast(): void;
  /** Frames `start..start + count - 1` (all held) as one contiguous view `[count, S, C]`. */
  range(start: number, count: number): MemoryView;
  /** Forgets frames before `t`. */
  dropBefore(t: number): void;
  /** Forgets the last frame (a reserved slot that was never filled). */
  dropLast(): void;
  /** Forgets every frame (the storage is kept for reuse). */
  clear(): void;
}

/**
 * Memory storage in host memory: a `Float32Array` (its views are host views, and its `set` takes the
 * host views a host runner gives). The default storage of a ring.
 * @internal
 */
export function hostMemoryStorage(floats: number): MemoryStorage {
  return new Float32Array(floats) as unknown as MemoryStorage;
}

/**
 * @param allocate - allocates the storage (the graph runner's `allocateMemory`); default {@link hostMemoryStorage}.
 * @internal
 */
export function createMemoryRing(capacity = MEMORY_RING_FRAMES, allocate: (floats: number) => MemoryStorage = hostMemoryStorage): MemoryRing {
  let storage: MemoryStorage | undefined;
  let frameSize = 0;
  let first = 0;
  let size = 0;
  // Slot of frame `first`.
  let offset = 0;
  const internal = (what: string): TaptrError => new TaptrError('TAPTR_INVALID_ARGUMENT', `tracker: internal error, memory ring: ${what}`);
  const view = (slot: number, count: number): MemoryView => storage!.subarray(slot * frameSize, (slot + count) * frameSize);
  const ring: MemoryRing = {
    get frameSize() {
      return frameSize;
    },
    get size() {
      return size;
    },
    get first() {
      return first;
    },
    get(t) {
      return size > 0 && t >= first && t < first + size ? view(offset + t - first, 1) : undefined;
    },
    reserve(t, floats) {
      if (storage === undefined) {
        storage = allocate(capacity * floats);
        frameSize = floats;
      }
      if (floats !== frameSize) throw internal(`frame ${t} has ${floats} floats, the ring holds frames of ${frameSize}`);
      if (size === 0) {
        first = t;
        offset = 0;
      } else if (t !== first + size) {
        throw internal(`frame ${t} is not the next frame (${first + size})`);
      }
      if (size === capacity) throw internal(`full (${capacity} frames)`);
      if (offset + size === capacity) {
        storage.copyWithin(0, offset * frameSize, (offset + size) * frameSize);
        offset = 0;
      }
      size++;
      return view(offset + size - 1, 1);
    },
    put(t, memory) {
      ring.reserve(t, memory.length);
      storage!.set(memory, (offset + size - 1) * frameSize);
    },
    repeatLast() {
      if (size === 0) throw internal('no frame to repeat');
      ring.reserve(first + size, frameSize);
      // The slot before the new one (the storage may have been compacted by reserve).
      storage!.set(view(offset + size - 2, 1), (offset + size - 1) * frameSize);
    },
    range(start, count) {
      if (count < 1 || start < first || start + count > first + size)
        throw internal(`frames ${start}..${start + count - 1} are not all held (${first}..${first + size - 1})`);
      return view(offset + start - first, count);
    },
    dropBefore(t) {
      const drop = Math.min(size, Math.max(0, t - first));
      first += drop;
      offset += drop;
      size -= drop;
      if (size === 0) offset = 0;
    },
    dropLast() {
      if (size > 0) size--;
      if (size === 0) offset = 0;
    },
    clear() {
      size = 0;
      offset = 0;
    },
  };
  return ring;
}
