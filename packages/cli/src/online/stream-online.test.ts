// SPDX-License-Identifier: Apache-2.0
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, tensor } from '@taptr/tensor';
import { readFileSync } from 'node:fs';
import { videoFromTensor } from '@taptr/video';
import { referenceModelDir } from '../assets.js';
import { loadModel } from '../engine/load-model.js';
import { createStationaryEngine } from '../engine/stationary-engine.js';
import { createTaptrEngine } from '../engine/taptr-engine.js';
import type { TrackingEngine } from '../engine/tracking-engine.js';
import type { QueryPoint } from '@taptr/tracker';
import { type OnlineFrameResult, streamOnline } from './stream-online.js';

/** Frames read so far, and at each result the frames read when it was handed out. */
function instrumented(frames: AsyncIterable<Uint8Array>): { frames: AsyncIterable<Uint8Array>; read: () => number } {
  let read = 0;
  return {
    read: () => read,
    frames: {
      async *[Symbol.asyncIterator]() {
        for await (const f of frames) {
          read++;
          yield f;
        }
      },
    },
  };
}

describe("streamOnline with the reference model (the tracker's online session)", () => {
  const ref = referenceModelDir();
  const video = readNpy(new Uint8Array(readFileSync(join(ref, 'video.npy')))) as ReturnType<typeof readNpy> & { data: Uint8Array };
  const [T, H, W] = video.dims as [number, number, number, number];
  const queries: QueryPoint[] = [
    { t: 0, x: 20, y: 30 },
    { t: 5, x: 60.5, y: 40 },
  ];
  const added: QueryPoint[] = [{ t: 17, x: 48, y: 48 }];
  let engine: TrackingEngine;
  beforeAll(async () => {
    engine = await createTaptrEngine(await loadModel(join(ref, 'checkpoint.pth'), join(ref, 'config.json')), { backend: 'cpu', threads: 1 });
  }, 120_000);
  afterAll(() => engine?.dispose());

  it('hands out every frame once final, at most `latency` frames after it was read, equal to the offline run', async () => {
    const source = videoFromTensor(tensor('uint8', [T, H, W, 3], video.data));
    const offline = await engine.track(source, [...queries, ...added]);
    const counted = instrumented(source.frames());
    const tracking = engine.online!({ width: W, height: H, frameCount: T });
    expect(tracking.latency).toBe(10);
    const results: (OnlineFrameResult & { readAt: number })[] = [];
    const run = await streamOnline({
      tracking,
      frames: counted.frames,
      queries,
      addPoints: added,
      onFrame: (r) => void results.push({ ...r, readAt: counted.read() }),
    });
    expect(run).toEqual({ framesRead: T, framesWritten: T });
    expect(results.map((r) => r.t)).toEqual(Array.from({ length: T }, (_, t) => t));
    for (const r of results) {
      // Frame t is out once frame t + latency is read (the last frames when the stream ends).
      if (r.readAt < T) expect(r.readAt - 1 - r.t, `frame ${r.t}`).toBeLessThanOrEqual(tracking.latency);
      // Points start at their own frame: 0 from 0, 1 from 5, the added point 2 from 17.
      expect(r.ids).toEqual([0, 1, 2].filter((id) => r.t >= [0, 5, 17][id]!));
      r.ids.forEach((id, k) => {
        expect(r.xy[2 * k], `point ${id} frame ${r.t} x`).toBe(offline.tracks.data[(id * T + r.t) * 2]);
        expect(r.xy[2 * k + 1]).toBe(offline.tracks.data[(id * T + r.t) * 2 + 1]);
        expect(r.visible[k]).toBe(offline.visible.data[id * T + r.t]);
      });
    }
    expect(results.filter((r) => r.readAt - 1 - r.t === 7).length).toBeGreaterThan(5); // frames 4w: exactly 7 behind
  }, 120_000);
});

describe('streamOnline: memory stays flat', () => {
  it('600 generated frames: frames read but not yet written stay within the latency, even with a slow writer', async () => {
    const W = 64;
    const H = 48;
    let live = 0;
    let mostLive = 0;
    async function* generated(): AsyncGenerator<Uint8Array> {
      for (let t = 0; t < 600; t++) {
        live++;
        mostLive = Math.max(mostLive, live);
        yield new Uint8Array(W * H * 3).fill(t & 255);
      }
    }
    const engine = createStationaryEngine();
    const tracking = engine.online!({ width: W, height: H });
    let written = 0;
    const run = await streamOnline({
      tracking,
      frames: generated(),
      queries: [{ t: 0, x: 3, y: 4 }],
      addPoints: [{ t: 300, x: 10, y: 11 }],
      onFrame: async (r) => {
        if (r.t % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5)); // a writer that stalls now and then
        expect(r.ids).toEqual(r.t >= 300 ? [0, 1] : [0]);
        written++;
        live--;
      },
    });
    expect(run).toEqual({ framesRead: 600, framesWritten: 600 });
    expect(written).toBe(600);
    // Read ahead of the writer by at most latency (0) + 1 frame in hand + the one being read.
    expect(mostLive).toBeLessThanOrEqual(tracking.latency + 2);
  });

  it("stops with the session's failure (a frame of another size), not a hang", async () => {
    const tracking = createStationaryEngine().online!({ width: 4, height: 4 });
    async function* frames(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(48);
      yield new Uint8Array(47);
    }
    await expect(streamOnline({ tracking, frames: frames(), queries: [{ t: 0, x: 1, y: 1 }], onFrame: () => undefined })).rejects.toThrow(
      /frame must be 48 bytes, got 47/,
    );
  });
});
