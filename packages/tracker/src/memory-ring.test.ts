// SPDX-License-Identifier: Apache-2.0
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import type { MemoryView } from './graph-runner.js';
import { createMemoryRing, hostMemoryStorage } from './memory-ring.js';

const host = (m: MemoryView | undefined): Float32Array => m as Float32Array;

/** Reserves frame t and writes t into each of its floats. */
function push(ring: ReturnType<typeof createMemoryRing>, t: number, floats = 3): void {
  host(ring.reserve(t, floats)).fill(t);
}

describe('createMemoryRing', () => {
  it('keeps frames contiguous through drops and compactions, in one buffer', () => {
    const ring = createMemoryRing(5);
    for (let t = 0; t < 4; t++) push(ring, t);
    const buffer = host(ring.get(0)).buffer;
    expect(Array.from(host(ring.range(0, 4)))).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    ring.dropBefore(2);
    expect([ring.first, ring.size]).toEqual([2, 2]);
    expect(ring.get(1)).toBeUndefined();
    push(ring, 4); // slot 4: the last one
    push(ring, 5); // the end is reached: frames 2..4 move to the start
    expect(Array.from(host(ring.range(2, 4)))).toEqual([2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]);
    expect(host(ring.range(2, 4)).byteOffset).toBe(0);
    expect(host(ring.get(5)).buffer).toBe(buffer);
    expect(Array.from(host(ring.get(3)))).toEqual([3, 3, 3]);
  });

  it('refuses a frame out of order, of another size, beyond the capacity, or a range not held', () => {
    const ring = createMemoryRing(2);
    push(ring, 7);
    const fails = (f: () => unknown, message: RegExp): void => {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(isTaptrError(error, 'TAPTR_INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toMatch(message);
    };
    fails(() => ring.reserve(9, 3), /frame 9 is not the next frame \(8\)/);
    fails(() => ring.reserve(8, 4), /frame 8 has 4 floats, the ring holds frames of 3/);
    push(ring, 8);
    fails(() => ring.reserve(9, 3), /full \(2 frames\)/);
    fails(() => ring.range(6, 2), /frames 6\.\.7 are not all held \(7\.\.8\)/);
  });

  it('starts anywhere when empty, forgets a reserved slot, and is reused after clear()', () => {
    const ring = createMemoryRing(3);
    push(ring, 4);
    push(ring, 5);
    ring.dropLast();
    expect([ring.first, ring.size]).toEqual([4, 1]);
    push(ring, 5);
    const buffer = host(ring.get(4)).buffer;
    ring.clear();
    expect(ring.size).toBe(0);
    push(ring, 0);
    expect(host(ring.get(0)).buffer).toBe(buffer);
    ring.dropBefore(10);
    expect(ring.size).toBe(0);
  });

  it('copies memories in (put) and repeats the last frame, across a compaction', () => {
    const ring = createMemoryRing(3);
    push(ring, 0);
    push(ring, 1);
    ring.dropBefore(1);
    ring.put(2, new Float32Array([7, 8, 9]));
    expect(Array.from(host(ring.range(1, 2)))).toEqual([1, 1, 1, 7, 8, 9]);
    ring.dropBefore(2);
    push(ring, 3); // no room at the end: frames 2..3 now at the start
    ring.dropBefore(3);
    push(ring, 4);
    ring.repeatLast(); // frame 5 = frame 4, written after the compaction moved frame 4
    expect(Array.from(host(ring.range(3, 3)))).toEqual([3, 3, 3, 4, 4, 4, 4, 4, 4]);
    expect(() => createMemoryRing(2).repeatLast()).toThrow(/no frame to repeat/);
  });

  it("allocates its storage once, with the given allocator (a runner's device memory)", () => {
    const sizes: number[] = [];
    const ring = createMemoryRing(4, (floats) => (sizes.push(floats), hostMemoryStorage(floats)));
    for (let t = 0; t < 4; t++) push(ring, t, 2);
    ring.clear();
    push(ring, 9, 2);
    expect(sizes).toEqual([8]);
  });
});
