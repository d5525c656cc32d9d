// SPDX-License-Identifier: Apache-2.0
// Seeded mutations of real torch.save checkpoints through the whole reader (zip container, CRC-32s,
// data.pkl unpickling, storages): every case must be a typed error, or, when accepted, give exactly
// the original state dict (every entry read is CRC-protected, so only bytes the reader ignores may
// change: unread entries, data descriptors, padding extras, timestamps, ZIP64 records it needs not).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fullCheckpointDir } from '@taptr/fixtures';
import type { TensorView } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { readTaptrCheckpoint } from './taptr-checkpoint.js';
import { openZipArchive } from './zip-archive.js';

// A typed error that only wraps an engine error counts as a crash: fuzzBytes' classifyFuzzError sees to it.
const read = (bytes: Uint8Array): Map<string, TensorView> => readTaptrCheckpoint(bytes);

/** Throws unless `actual` has the keys, types, shapes and exact bytes of `expected`. */
function checkSameStateDict(expected: ReadonlyMap<string, TensorView>, actual: ReadonlyMap<string, TensorView>): void {
  if (actual.size !== expected.size) throw new Error(`accepted with ${actual.size} tensors instead of ${expected.size}`);
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (got === undefined) throw new Error(`accepted without ${key}`);
    if (got.type !== want.type || got.dims.join() !== want.dims.join()) throw new Error(`accepted with ${key} ${got.type} [${got.dims.join(', ')}]`);
    const a = Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength);
    if (!a.equals(Buffer.from(want.data.buffer, want.data.byteOffset, want.data.byteLength))) throw new Error(`accepted with other values in ${key}`);
  }
}

/**
 * Where half the mutations land: the zip's decisions (data.pkl's header, payload and descriptor, the
 * first storages' local headers, the central directory and end records), not the float payloads.
 */
function hotRanges(checkpoint: Uint8Array): [number, number][] {
  const entries = [...openZipArchive(checkpoint, 'checkpoint').entries.values()];
  const pkl = entries.find((e) => e.name.endsWith('/data.pkl'))!;
  const headers = entries
    .filter((e) => e !== pkl)
    .slice(0, 8)
    .map((e): [number, number] => [e.localHeaderOffset, e.localHeaderOffset + 64]);
  // Central directory through the end records (its offset is in the last end record).
  const directory: [number, number] = [new DataView(checkpoint.buffer, checkpoint.byteOffset).getUint32(checkpoint.length - 6, true), checkpoint.length];
  return [[pkl.localHeaderOffset, pkl.localHeaderOffset + 64 + pkl.compressedSize + 16], directory, directory, directory, ...headers];
}

const CHECKPOINTS = [
  // The reference model (3.7 MB, 484 tensors): a full read (unpickling data.pkl's 17,500 opcodes, CRC-32
  // and copy of 3.6 MB) costs 5-15 ms (measured: 500 cases in 3.0 s with a load of 8 on 2 cores, 8.9 s
  // under vitest at a load of 12), so this one runs 500 cases at least; the training checkpoint below
  // gives the thousands.
  { name: 'the reference checkpoint', path: join(TAPTR_FIXTURES, 'checkpoint.pth'), seed: 13, minCases: 500, budgetMs: 3000 },
  // A training checkpoint (fp16 ema_model, optimizer, scheduler, args): its whole pickle whitelist.
  { name: 'a training checkpoint', path: join(fullCheckpointDir(), 'full-checkpoint.pth'), seed: 14, minCases: 3000, budgetMs: 2000 },
];

describe('readTaptrCheckpoint: fuzzed checkpoints', () => {
  it.each(CHECKPOINTS)(
    '$name: every mutation is a typed error or yields the very same state dict',
    async ({ path, seed, minCases, budgetMs }) => {
      const input = new Uint8Array(readFileSync(path));
      const original = readTaptrCheckpoint(input);
      const report = await fuzzBytes({
        input,
        seed,
        minCases,
        budgetMs,
        hotRanges: hotRanges(input),
        read,
        onAccept: (result) => checkSameStateDict(original, result),
      });
      expect(report.failures, report.summary).toEqual([]);
      expect(report.cases).toBeGreaterThanOrEqual(minCases);
      expect(report.rejected['TAPTR_CHECKPOINT_CORRUPT'] ?? 0, report.summary).toBeGreaterThan(report.cases / 2);
    },
    120_000,
  );
});
