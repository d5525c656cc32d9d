// SPDX-License-Identifier: Apache-2.0
// Seeded mutations of the fixture JPEGs (Pillow's 4:4:4 / 4:2:2 / 4:2:0 files and a Kinetics-like
// ffmpeg MJPEG frame) through decodeJpegFrames: every case must end in a typed TAPTR_VIDEO_FORMAT
// error or consistent frames, never a crash inside the decoder or a hang. JPEG has no checksum:
// changed pixels are accepted when the file stays well-formed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pilJpegDir, tapvidMetricsDir } from '@taptr/fixtures';
import { shapeSize, type TensorView } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { jpegHeaderRanges } from '../../test/fuzz-support.js';
import { decodeJpegFrames } from './decode-jpeg-frames.js';

const PIL = pilJpegDir();

/** The first whole JPEG file (FF D8 ... FF D9) inside a Kinetics-like shard's bytes array. */
function firstKineticsFrame(): Uint8Array {
  const shard = new Uint8Array(readFileSync(join(tapvidMetricsDir(), 'datasets', 'kinetics_like', '0000_of_0010.pkl')));
  const start = shard.findIndex((b, i) => b === 0xff && shard[i + 1] === 0xd8 && shard[i + 2] === 0xff);
  let end = start + 2;
  while (!(shard[end] === 0xff && shard[end + 1] === 0xd9)) end++;
  return shard.slice(start, end + 2);
}

const INPUTS: [string, Uint8Array][] = [
  ...['yuv444', 'yuv422', 'yuv420'].map((name): [string, Uint8Array] => [`Pillow ${name}`, new Uint8Array(readFileSync(join(PIL, `${name}.jpg`)))]),
  ['Kinetics-like ffmpeg MJPEG frame', firstKineticsFrame()],
];

function decode(bytes: Uint8Array, index: number, original: Uint8Array): TensorView<'uint8'> {
  // Odd cases decode the mutated frame after an intact one (sizes compared across frames).
  return decodeJpegFrames(index % 2 === 0 ? [bytes] : [original, bytes]);
}

describe('decodeJpegFrames: fuzzed JPEG files', () => {
  it.each(INPUTS.map(([name, input], i) => [name, input, 100 + i] as const))(
    '%s: every mutation is a typed error or consistent frames',
    async (_name, input, seed) => {
      const reference = decodeJpegFrames([input]);
      const report = await fuzzBytes({
        input,
        seed,
        minCases: 1500,
        budgetMs: 1000,
        hotRanges: jpegHeaderRanges(input),
        read: (bytes, fuzzCase) => decode(bytes, fuzzCase.index, input),
        onAccept: (video, fuzzCase) => {
          const frames = fuzzCase.index % 2 === 0 ? 1 : 2;
          const [T, H, W, C] = video.dims as [number, number, number, number];
          if (T !== frames || C !== 3 || video.type !== 'uint8' || video.data.length !== shapeSize(video.dims)) {
            throw new Error(`decoded ${video.type} [${video.dims.join(', ')}] for ${frames} frame(s)`);
          }
          // Frames of another size than the intact first one are refused, never decoded together.
          if (frames === 2 && (H !== reference.dims[1] || W !== reference.dims[2]))
            throw new Error(`accepted a ${W}x${H} frame next to a ${reference.dims[2]}x${reference.dims[1]} one`);
        },
      });
      expect(report.failures, report.summary).toEqual([]);
      expect(report.cases, report.summary).toBeGreaterThanOrEqual(1500);
      expect(report.rejected['TAPTR_VIDEO_FORMAT'], report.summary).toBeGreaterThan(0);
    },
    60_000,
  );
});
