// SPDX-License-Identifier: Apache-2.0
// The graph runner's GPU memory path (issue 14: encoder memory kept on the device between the
// encoder and the decoder) on a stand-in device: GpuTensors whose "GPU buffers" are host arrays,
// given to onnxruntime-node as tensors over them. Every step of the path runs (the ring's storage from
// allocateMemory, the encoder writing a whole buffer then copied into the ring slot, compaction and
// padding copies, each window and query frame copied into the buffer its graph is given, the backward
// pass seeded from the forward ring): the tracks must equal those of the host path bit for bit.
// The same path on real WebGPU (onnxruntime-web, SwiftShader) runs in the web package's browser tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTaptrGraphs, parseTaptrConfig, readTaptrCheckpoint, type TaptrGraphs } from '@taptr/model';
import type { GpuBuffer, GpuTensors, RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { tensor, type TensorView } from '@taptr/tensor';
import { loadJson } from '@taptr/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGraphRunner } from '../src/runtime-graph-runner.js';
import { createTracker } from '../src/tracker.js';
import { numbers, ref, REFERENCE_DIR } from './reference.js';

interface FakeBuffer {
  readonly data: Float32Array;
  destroyed: boolean;
}

/** A stand-in device over host arrays, counting what the runner does with it. */
function fakeGpu(runtime: RuntimeAdapter) {
  const stats = { buffers: 0, live: 0, copies: 0, sameBufferCopies: 0, floatsCopied: 0, writes: 0 };
  const buf = (b: GpuBuffer): FakeBuffer => {
    const fake = b as FakeBuffer;
    if (fake.destroyed) throw new Error('fake gpu: buffer used after destroy');
    return fake;
  };
  const gpu: GpuTensors = {
    createBuffer(floats) {
      stats.buffers++;
      stats.live++;
      return { data: new Float32Array(floats), destroyed: false } satisfies FakeBuffer;
    },
    tensor: (b, dims) => runtime.tensors.tensor('float32', buf(b).data, dims),
    copy(source, sourceOffset, target, targetOffset, floats) {
      stats.copies++;
      stats.floatsCopied += floats;
      if (source === target) {
        stats.sameBufferCopies++;
        buf(target).data.copyWithin(targetOffset, sourceOffset, sourceOffset + floats);
      } else {
        buf(target).data.set(buf(source).data.subarray(sourceOffset, sourceOffset + floats), targetOffset);
      }
    },
    write(b, offset, data) {
      stats.writes++;
      buf(b).data.set(data, offset);
    },
    read: async (b, offset, floats) => buf(b).data.slice(offset, offset + floats),
    destroy(b) {
      buf(b).destroyed = true;
      stats.live--;
    },
  };
  return { runtime: { ...runtime, gpuTensors: async () => gpu } satisfies RuntimeAdapter, stats };
}

const video = ref('video') as TensorView<'uint8'>;
const queries = numbers(ref('queries_tyx'));
const QUERIES = Array.from({ length: queries.length / 3 }, (_, i) => ({ t: queries[3 * i]!, x: queries[3 * i + 2]!, y: queries[3 * i + 1]! }));
let model: TaptrGraphs;

beforeAll(() => {
  const config = parseTaptrConfig(loadJson(REFERENCE_DIR, 'config.json'));
  model = buildTaptrGraphs(readTaptrCheckpoint(new Uint8Array(readFileSync(join(REFERENCE_DIR, 'checkpoint.pth'))), { config }), config, { encoderBatch: 1 });
}, 120_000);

describe('graph runner: encoder memory on the device (GpuTensors)', () => {
  it.each([
    ['forward', false, 0],
    ['bidirectional, sample-first decoder', true, Infinity],
  ])(
    '%s: the tracks of the host path, bit for bit, with the memory never on the host',
    async (_, bidirectional, sampleFirstMaxPoints) => {
      const host = await createTracker({ runtime: createNodeRuntime({ threads: 1 }), model, sampleFirstMaxPoints });
      const expected = await host.track(video, QUERIES, { bidirectional });
      await host.release();

      const { runtime, stats } = fakeGpu(createNodeRuntime({ threads: 1 }));
      const runner = await createGraphRunner(runtime, model, undefined, { sampleFirstMaxPoints });
      expect('allocateMemory' in runner).toBe(true);
      const tracker = await createTracker({ runner });
      const actual = await tracker.track(video, QUERIES, { bidirectional });
      expect(Array.from(actual.tracks.data)).toEqual(Array.from(expected.tracks.data));
      expect(Array.from(actual.logits.data)).toEqual(Array.from(expected.logits.data));
      expect(Array.from(actual.visible.data)).toEqual(Array.from(expected.visible.data));
      // One ring per pass plus the encoder, window and query-frame buffers; memory only ever copied on the device.
      expect(stats.buffers).toBe((bidirectional ? 2 : 1) + 3);
      expect(stats.writes).toBe(0);
      const T = video.dims[0]!;
      expect(stats.copies).toBeGreaterThan(T);
      // The ring reached its end and moved its frames to the start (a copy within one buffer).
      expect(stats.sameBufferCopies).toBeGreaterThan(0);
      await tracker.release();
      expect(stats.live).toBe(0);
    },
    300_000,
  );

  it('memoryOnGpu: false keeps the memory in host memory', async () => {
    const { runtime, stats } = fakeGpu(createNodeRuntime({ threads: 1 }));
    const runner = await createGraphRunner(runtime, model, undefined, { memoryOnGpu: false });
    expect('allocateMemory' in runner).toBe(false);
    const tracker = await createTracker({ runner });
    await tracker.track(
      tensor('uint8', [9, ...video.dims.slice(1)], video.data.subarray(0, (9 * video.data.length) / video.dims[0]!)),
      QUERIES.filter((q) => q.t < 9),
    );
    expect(stats.buffers).toBe(0);
    await tracker.release();
  }, 120_000);
});
