// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTaptrError, tensor, writeNpy } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { readNpyVideo } from './read-npy-video.js';
import { readAllFrames } from './video-source.js';

const dir = mkdtempSync(join(tmpdir(), 'taptr-npy-video-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = 4;
const H = 3;
const W = 5;
const pixels = Uint8Array.from({ length: T * H * W * 3 }, (_, i) => (i * 37) & 255);
const file = writeNpy(tensor('uint8', [T, H, W, 3], pixels));

async function read(bytes: Uint8Array, selection = {}): Promise<Uint8Array> {
  const path = join(dir, 'v.npy');
  writeFileSync(path, bytes);
  return (await readAllFrames(await readNpyVideo(path, 25, selection))).data;
}

describe('readNpyVideo (frame by frame from the file)', () => {
  it('reads every frame, or only the selected ones, exactly', async () => {
    expect(Buffer.compare(Buffer.from(await read(file)), Buffer.from(pixels))).toBe(0);
    const frame = H * W * 3;
    const some = await read(file, { start: 1, stride: 2 });
    expect(Buffer.compare(Buffer.from(some), Buffer.concat([pixels.subarray(frame, 2 * frame), pixels.subarray(3 * frame, 4 * frame)]))).toBe(0);
  });

  it('names a truncated file and trailing bytes', async () => {
    await expect(read(file.subarray(0, file.length - 7))).rejects.toThrow(
      /v\.npy: readNpy: truncated data: shape \(4, 3, 5, 3\) of \|u1 needs 180 bytes, the file has 173$/,
    );
    const longer = new Uint8Array(file.length + 2);
    longer.set(file);
    await expect(read(longer)).rejects.toThrow(/data length mismatch: .* \(2 trailing bytes\)$/);
  });

  it('thousands of seeded mutations: each a TAPTR_VIDEO_FORMAT / TAPTR_IO or a video of consistent size', async () => {
    const report = await fuzzBytes({
      input: file,
      seed: 0x6e7079,
      minCases: 1000,
      budgetMs: 3000,
      hotRanges: [[0, 80]],
      read: (bytes) => read(bytes),
      onAccept: (data) => {
        // No checksum: pixels may differ, the size may not be inconsistent with the data.
        if (data.length % 3 !== 0 || data.length === 0) throw new Error(`accepted ${data.length} bytes of frames`);
      },
    });
    expect(report.failures, report.summary).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(1000);
    expect(report.rejected['TAPTR_VIDEO_FORMAT'] ?? 0, report.summary).toBeGreaterThan(report.cases / 4);
    expect(isTaptrError(await read(new Uint8Array(3)).catch((e: unknown) => e), 'TAPTR_VIDEO_FORMAT')).toBe(true);
  });
});
