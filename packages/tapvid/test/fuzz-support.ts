// SPDX-License-Identifier: Apache-2.0
// Shared by the tapvid fuzz tests: hot byte ranges of a
// pickle (its structure, not its array payloads) and of JPEG files (their headers).
import { isNumpyArrayRef, memorySource, numpyGlobals, unpickle } from '@taptr/pickle';

/** `[start, end)` ranges of a pickle outside its NumPy array payloads (opcodes, shapes, dtypes). */
export function pickleStructureRanges(bytes: Uint8Array): [number, number][] {
  const root = unpickle(memorySource(bytes), { globals: numpyGlobals({ lazy: true }), lazyThreshold: 1 });
  const payloads: [number, number][] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 8) return;
    if (isNumpyArrayRef(value)) payloads.push([value.payload.offset, value.payload.offset + value.payload.length]);
    else if (value instanceof Map) for (const v of value.values()) walk(v, depth + 1);
    else if (Array.isArray(value)) for (const v of value) walk(v, depth + 1);
  };
  walk(root, 0);
  payloads.sort((a, b) => a[0] - b[0]);
  const ranges: [number, number][] = [];
  let at = 0;
  for (const [start, end] of payloads) {
    if (start > at) ranges.push([at, start]);
    at = Math.max(at, end);
  }
  if (at < bytes.length) ranges.push([at, bytes.length]);
  return ranges;
}

/** `[start, end)` of each JPEG header in `bytes`: from SOI (FF D8 FF) to the end of its SOS segment. */
export function jpegHeaderRanges(bytes: Uint8Array): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] !== 0xff || bytes[i + 1] !== 0xd8 || bytes[i + 2] !== 0xff) continue;
    let at = i + 2;
    while (at + 4 <= bytes.length && bytes[at] === 0xff) {
      const marker = bytes[at + 1]!;
      const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      at += 2 + length;
      if (marker === 0xda) break;
    }
    ranges.push([i, Math.min(at + 16, bytes.length)]);
    i = at;
  }
  return ranges;
}
