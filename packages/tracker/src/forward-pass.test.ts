// SPDX-License-Identifier: Apache-2.0
// The tracker's reuse of large buffers (issues 14, 15): encoder memory written into one ring (storage
// from the runner's allocateMemory), windows fed as views of it, window inputs and outputs allocated
// once per point count. Results must equal those of a runner that is given fresh arrays every call.
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { createToyGraphs, host, syntheticVideo, TOY_CHANNELS } from '../test/toy-graphs.js';
import type { DecoderWindowInput, DecoderWindowOutput, MemoryStorage, TaptrGraphRunner } from './graph-runner.js';
import { hostMemoryStorage } from './memory-ring.js';
import { createTracker } from './tracker.js';

const H = 12;
const W = 16;
const FLOATS = 2 * TOY_CHANNELS; // the toy encoder's S·C

/** The toy graphs on fresh arrays: every encoder target, window memory and window output copied out of the caller's buffers. */
function freshToy(): TaptrGraphRunner {
  const inner = createToyGraphs();
  return {
    ...inner,
    async encodeFrames(images, count, target) {
      const fresh = new Float32Array(target.length);
      await inner.encodeFrames(images, count, fresh);
      host(target).set(fresh);
    },
    async decodeWindow(input, output) {
      const fresh: DecoderWindowOutput = {
        refUnsigOut: output.refUnsigOut.slice(),
        visLogits: output.visLogits.slice(),
        contentOut: output.contentOut.slice(),
      };
      await inner.decodeWindow({ ...input, memory: host(input.memory).slice() }, fresh);
      output.refUnsigOut.set(fresh.refUnsigOut);
      output.visLogits.set(fresh.visLogits);
      output.contentOut.set(fresh.contentOut);
    },
    initQueries: (memory, xy, count) => inner.initQueries(memory, xy, count),
    release: () => inner.release(),
  };
}

/** The toy graphs as a runner that allocates its memory storage and declares it keeps no window input; records what it was given. */
function bufferAwareToy() {
  const inner = createToyGraphs();
  const storages: Float32Array[] = [];
  const seen = {
    targets: new Set<ArrayBufferLike>(),
    windows: new Set<ArrayBufferLike>(),
    contents: new Set<Float32Array>(),
    outputs: new Set<Float32Array>(),
    windowMismatches: 0,
    targetsGiven: 0,
  };
  const runner: TaptrGraphRunner = {
    resolution: inner.resolution,
    tokens: inner.tokens,
    channels: inner.channels,
    copiesInputs: true,
    allocateMemory(floats): MemoryStorage {
      const storage = hostMemoryStorage(floats);
      storages.push(host(storage.subarray(0, floats)));
      return storage;
    },
    async encodeFrames(images, count, target) {
      seen.targetsGiven++;
      seen.targets.add(host(target).buffer);
      await inner.encodeFrames(images, count, target);
    },
    initQueries: (memory, xy, count) => inner.initQueries(memory, xy, count),
    async decodeWindow(input: DecoderWindowInput, output: DecoderWindowOutput) {
      const window = host(input.memory);
      seen.contents.add(input.content);
      seen.outputs.add(output.contentOut);
      seen.windows.add(window.buffer);
      if (window.length !== 8 * FLOATS) seen.windowMismatches++;
      await inner.decodeWindow(input, output);
    },
    release: () => inner.release(),
  };
  return { runner, seen, inner, storages };
}

const video = (T: number) => tensor('uint8', [T, H, W, 3], syntheticVideo(T, H, W));
const QUERIES = [
  { t: 0, x: 3, y: 4 },
  { t: 5, x: 15, y: 0 },
  { t: 13, x: 0, y: 5.5 },
  { t: 30, x: 9, y: 2 },
];

describe('forward pass buffers (memory ring, window views, reused inputs)', () => {
  it.each([
    ['a long video', 45, false],
    ['a long video, bidirectional', 45, true],
    ['a video shorter than a window', 5, false],
    ['a video shorter than a window, bidirectional', 6, true],
  ])('%s: the same results as a runner that allocates per call', async (_, T, bidirectional) => {
    const queries = QUERIES.filter((q) => q.t < T);
    const plain = await (await createTracker({ runner: freshToy() })).track(video(T), queries, { bidirectional });
    const { runner, seen, inner, storages } = bufferAwareToy();
    const tracker = await createTracker({ runner });
    const reused = await tracker.track(video(T), queries, { bidirectional });
    expect(Array.from(reused.tracks.data)).toEqual(Array.from(plain.tracks.data));
    expect(Array.from(reused.logits.data)).toEqual(Array.from(plain.logits.data));
    expect(seen.windowMismatches).toBe(0);
    // Every encoder output went into a ring slot of the runner's storage; one ring per pass (11 frames);
    // every window a view of a ring.
    expect(seen.targetsGiven).toBe(inner.encoded);
    expect(seen.targets.size).toBe(bidirectional ? 2 : 1);
    expect(storages.map((s) => s.length)).toEqual(Array.from({ length: bidirectional ? 2 : 1 }, () => 11 * FLOATS));
    expect([...seen.targets].every((b) => storages.some((s) => s.buffer === b))).toBe(true);
    expect([...seen.windows].every((b) => seen.targets.has(b))).toBe(true);
    // One set of window inputs and outputs per point count (the points queried later join as rows: N is fixed here).
    expect(seen.contents.size).toBe(bidirectional ? 2 : 1);
    expect(seen.outputs.size).toBe(bidirectional ? 2 : 1);
    // A second track() reuses the same rings.
    await tracker.track(video(T), queries, { bidirectional });
    expect(seen.targets.size).toBe(bidirectional ? 2 : 1);
    expect(storages).toHaveLength(bidirectional ? 2 : 1);
  });

  it('online, with points added and removed: the same results, new inputs only when N changes', async () => {
    const run = async (runner: TaptrGraphRunner) => {
      const tracker = await createTracker({ runner });
      const session = tracker.online();
      const results: number[] = [];
      const collect = (async () => {
        for await (const r of session) results.push(r.frame, ...r.ids, ...r.tracks, ...r.logits);
      })();
      const frames = video(40);
      await session.addPoints([QUERIES[0]!, QUERIES[1]!]);
      for (let t = 0; t < 40; t++) {
        if (t === 16) await session.addPoints([{ t: 17, x: 4, y: 4 }]);
        if (t === 28) await session.removePoints([0]);
        await session.push(tensor('uint8', [H, W, 3], frames.data.subarray(t * H * W * 3, (t + 1) * H * W * 3)));
      }
      await session.end();
      await collect;
      return results;
    };
    const { runner, seen } = bufferAwareToy();
    expect(await run(runner)).toEqual(await run(freshToy()));
    expect(seen.windowMismatches).toBe(0);
    expect(seen.contents.size).toBe(3); // N = 2, 3, then 2 again
    expect(seen.outputs.size).toBe(3);
  });

  it('gives each window report inputs of its own (inspection keeps them after the run)', async () => {
    const { runner, seen } = bufferAwareToy();
    const tracker = await createTracker({ runner });
    const reports: DecoderWindowInput[] = [];
    await tracker.track(video(24), QUERIES.slice(0, 2), { onWindow: (r) => r.input && reports.push(r.input) });
    expect(reports.length).toBeGreaterThan(2);
    expect(new Set(reports.map((r) => r.content)).size).toBe(reports.length);
    // Memories of their own: each still holds its frames' tags (toy memory[3] = frame index).
    reports.forEach((r, w) =>
      expect(Array.from({ length: 8 }, (_, k) => host(r.memory)[k * FLOATS + 3])).toEqual(Array.from({ length: 8 }, (_, k) => Math.min(4 * w, 16) + k)),
    );
    expect(new Set(reports.map((r) => host(r.memory).buffer)).size).toBe(reports.length);
    expect([...seen.windows].every((b) => !reports.some((r) => host(r.memory).buffer === b))).toBe(true);
  });
});
