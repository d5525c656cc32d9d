// SPDX-License-Identifier: Apache-2.0
import { tensor, type TensorView } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { createToyGraphs, syntheticVideo } from '../test/toy-graphs.js';
import type { OnlineFrameResult } from './online-session.js';
import { createTracker } from './tracker.js';
import type { TrackProgress } from './track-options.js';
import type { TrackFrameResult } from './track-result.js';
import type { VideoFrame } from './video-input.js';

const H = 12;
const W = 16;

function videoTensor(T: number): TensorView<'uint8'> {
  return tensor('uint8', [T, H, W, 3], syntheticVideo(T, H, W));
}

function frames(video: TensorView<'uint8'>): VideoFrame[] {
  const size = H * W * 3;
  return Array.from({ length: video.dims[0]! }, (_, t) => tensor('uint8', [H, W, 3], video.data.slice(t * size, (t + 1) * size)));
}

const QUERIES = [
  { t: 0, x: 3, y: 4 },
  { t: 0, x: 15, y: 0 },
  { t: 6, x: 7.25, y: 11 },
  { t: 13, x: 0, y: 5.5 },
  { t: 21, x: 9, y: 2 },
];

describe('tracker.track (toy graphs)', () => {
  it('returns tracks [N, T, 2], visible [N, T], logits [N, T, 3] and keeps query positions before the query frame', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const T = 30;
    const r = await tracker.track(videoTensor(T), QUERIES);
    expect(r.tracks.dims).toEqual([5, T, 2]);
    expect(r.visible.dims).toEqual([5, T]);
    expect(r.logits.dims).toEqual([5, T, 3]);
    expect([r.frameCount, r.width, r.height]).toEqual([T, W, H]);
    // Never updated before / at the query frame: the query position (up to the 1e-3 clamp) and visible.
    const q = QUERIES[3]!;
    for (let t = 0; t <= q.t; t++) {
      expect(r.tracks.data[(3 * T + t) * 2]).toBeCloseTo(0.001 * (W - 1), 4);
      expect(r.tracks.data[(3 * T + t) * 2 + 1]).toBeCloseTo(q.y, 4);
      expect(r.visible.data[3 * T + t]).toBe(1);
    }
    // Updated after it.
    expect(Math.abs(r.tracks.data[(3 * T + q.t + 1) * 2]! - 0.015)).toBeGreaterThan(1e-3);
  });

  it('gives identical results for a tensor, an array of frames, a sync and an async iterable', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const video = videoTensor(26);
    const a = await tracker.track(video, QUERIES);
    const list = frames(video);
    const b = await tracker.track(list, QUERIES);
    const c = await tracker.track(
      (function* () {
        yield* list;
      })(),
      QUERIES,
    );
    const d = await tracker.track(
      (async function* () {
        yield* list;
      })(),
      QUERIES.map((p) => [p.t, p.x, p.y] as const),
    );
    for (const r of [b, c, d]) {
      expect(Array.from(r.tracks.data)).toEqual(Array.from(a.tracks.data));
      expect(Array.from(r.logits.data)).toEqual(Array.from(a.logits.data));
    }
  });

  it('streams long videos with the official long-video content rule when frameCount is given', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const video = videoTensor(53);
    const list = frames(video);
    const offline = await tracker.track(video, QUERIES);
    const stream = async function* () {
      yield* list;
    };
    const streamed = await tracker.track(stream(), QUERIES, { frameCount: 53 });
    expect(Array.from(streamed.tracks.data)).toEqual(Array.from(offline.tracks.data));
    // Without it, the content is copied after every window, which differs for T >= 48.
    const unknown = await tracker.track(stream(), QUERIES);
    expect(Array.from(unknown.tracks.data)).not.toEqual(Array.from(offline.tracks.data));
    await expect(tracker.track(stream(), QUERIES, { frameCount: 60 })).rejects.toThrow(/frameCount/);
  });

  it('reports progress and decodes each window once, with memory of its own 8 frames', async () => {
    const graphs = createToyGraphs();
    const tracker = await createTracker({ runner: graphs });
    const progress: TrackProgress[] = [];
    await tracker.track(videoTensor(30), QUERIES, { onProgress: (p) => progress.push(p) });
    const last = progress.at(-1)!;
    expect(last.framesEncoded).toBe(30);
    expect(last.windowsDecoded + last.windowsSkipped).toBe(7);
    expect(graphs.windows.map((w) => w[0])).toEqual([0, 4, 8, 12, 16, 20, 22]);
    for (const w of graphs.windows) expect(w).toEqual(Array.from({ length: 8 }, (_, k) => w[0]! + k));
  });

  it('tracks videos shorter than 8 frames by repeating the last frame (no negative frame index)', async () => {
    const graphs = createToyGraphs();
    const tracker = await createTracker({ runner: graphs });
    const r = await tracker.track(videoTensor(5), [
      { t: 0, x: 3, y: 4 },
      { t: 4, x: 1, y: 1 },
    ]);
    expect(r.tracks.dims).toEqual([2, 5, 2]);
    expect(graphs.windows).toEqual([[0, 1, 2, 3, 4, 4, 4, 4]]);
    expect(Array.from(r.tracks.data).every(Number.isFinite)).toBe(true);
    const one = await tracker.track(videoTensor(1), [{ t: 0, x: 3, y: 4 }]);
    expect(one.tracks.dims).toEqual([1, 1, 2]);
  });

  it('bidirectional: frames before the query come from the pass on the time-reversed video', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const T = 22;
    const video = videoTensor(T);
    const list = frames(video);
    const both = await tracker.track(video, QUERIES.slice(0, 4), { bidirectional: true });
    const fwd = await tracker.track(video, QUERIES.slice(0, 4));
    const bwd = await tracker.track(
      [...list].reverse(),
      QUERIES.slice(0, 4).map((p) => ({ ...p, t: T - 1 - p.t })),
    );
    QUERIES.slice(0, 4).forEach((p, n) => {
      for (let t = 0; t < T; t++) {
        const src = t >= p.t ? fwd : bwd;
        const tt = t >= p.t ? t : T - 1 - t;
        expect(both.tracks.data[(n * T + t) * 2]).toBe(src.tracks.data[(n * T + tt) * 2]);
        expect(both.logits.data[(n * T + t) * 3 + 1]).toBe(src.logits.data[(n * T + tt) * 3 + 1]);
      }
    });
  });

  it('padQueries adds interacting padding points but reports only the real ones', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const video = videoTensor(20);
    const plain = await tracker.track(video, QUERIES.slice(0, 3));
    const padded = await tracker.track(video, QUERIES.slice(0, 3), { padQueries: 12 });
    expect(padded.tracks.dims).toEqual([3, 20, 2]);
    expect(Array.from(padded.tracks.data)).not.toEqual(Array.from(plain.tracks.data));
    const explicit = await tracker.track(video, QUERIES.slice(0, 3), { padQueries: { total: 12, queryFrame: 0, framePositions: [1, 1, 2, 2, 3, 3] } });
    expect(explicit.tracks.dims).toEqual([3, 20, 2]);
  });

  it('accepts an empty query set', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const r = await tracker.track(videoTensor(9), []);
    expect(r.tracks.dims).toEqual([0, 9, 2]);
    expect(r.visible.dims).toEqual([0, 9]);
  });

  it('rejects bad input with errors naming the argument', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const video = videoTensor(10);
    await expect(tracker.track(video, [[0, 1]] as never)).rejects.toThrow(/queries\[0\] must be a \[t, x, y\] triple/);
    await expect(tracker.track(video, [{ t: 10, x: 1, y: 1 }])).rejects.toThrow(/queries\[0\]\.t must be an integer frame index in \[0, 9\], got 10/);
    await expect(tracker.track(video, [{ t: 1.5, x: 1, y: 1 }])).rejects.toThrow(RangeError);
    await expect(tracker.track(video, [{ t: 0, x: 99, y: 1 }])).rejects.toThrow(/queries\[0\]\.x must be a pixel x in \[-0.5, 15.5\], got 99/);
    await expect(tracker.track(tensor('float32', [2, 2, 2, 3]) as never, [])).rejects.toThrow(TypeError);
    await expect(tracker.track([], [])).rejects.toThrow(/at least one frame/);
    await expect(tracker.track(video, [], { threshold: 2 })).rejects.toThrow(/options\.threshold/);
    await expect(tracker.track(video, [], { padQueries: -3 })).rejects.toThrow(/options\.padQueries/);
    await expect(createTracker({} as never)).rejects.toThrow(/runtime, model/);
    const list = frames(video);
    const odd = [...list.slice(0, 3), tensor('uint8', [H + 1, W, 3])];
    await expect(tracker.track(odd, [])).rejects.toThrow(/video frame 3 must be 16x12/);
  });

  it('stops when the signal aborts', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const controller = new AbortController();
    const run = tracker.track(videoTensor(30), QUERIES, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.framesEncoded === 9) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
  });

  it('onFrame reports each frame once final, in order, equal to the result; after an abort the frames reported stay final', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const T = 30;
    const seen: TrackFrameResult[] = [];
    const r = await tracker.track(videoTensor(T), QUERIES, { onFrame: (f) => seen.push(f) });
    expect(seen.map((f) => f.frame)).toEqual(Array.from({ length: T }, (_, t) => t));
    for (const f of seen) {
      for (let n = 0; n < QUERIES.length; n++) {
        expect(f.tracks[2 * n]).toBe(r.tracks.data[(n * T + f.frame) * 2]);
        expect(f.tracks[2 * n + 1]).toBe(r.tracks.data[(n * T + f.frame) * 2 + 1]);
        expect(f.visible[n]).toBe(r.visible.data[n * T + f.frame]);
        expect(Array.from(f.logits.subarray(3 * n, 3 * n + 3))).toEqual(Array.from(r.logits.data.subarray((n * T + f.frame) * 3, (n * T + f.frame) * 3 + 3)));
      }
    }
    // Stopped after 17 frames encoded: the frames reported by then are those of the full run.
    const controller = new AbortController();
    const partial: TrackFrameResult[] = [];
    const run = tracker.track(videoTensor(T), QUERIES, {
      signal: controller.signal,
      onFrame: (f) => partial.push(f),
      onProgress: (p) => {
        if (p.framesEncoded === 17) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(17);
    partial.forEach((f, t) => {
      expect(f.frame).toBe(t);
      expect(f.tracks).toEqual(seen[t]!.tracks);
    });
    // Not called in bidirectional mode (a frame is final only after both passes).
    const none: TrackFrameResult[] = [];
    await tracker.track(videoTensor(T), QUERIES, { bidirectional: true, onFrame: (f) => none.push(f) });
    expect(none).toEqual([]);
  });
});

describe('tracker.online (toy graphs)', () => {
  async function collect(session: AsyncIterable<OnlineFrameResult>): Promise<OnlineFrameResult[]> {
    const out: OnlineFrameResult[] = [];
    for await (const r of session) out.push(r);
    return out;
  }

  it('equals the offline run, emitting each frame at most 10 frames after it arrives', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    for (const T of [1, 5, 8, 13, 30, 31, 50]) {
      const video = videoTensor(T);
      const queries = QUERIES.filter((q) => q.t < T);
      const offline = await tracker.track(video, queries, { frameCount: T });
      const session = tracker.online({ frameCount: T });
      const arrival: number[] = [];
      let seen = 0;
      const results = (async () => {
        const out: OnlineFrameResult[] = [];
        for await (const r of session) {
          out.push(r);
          arrival.push(session.framesPushed);
        }
        return out;
      })();
      await session.addPoints(queries);
      for (const f of frames(video)) {
        await session.push(f);
        seen++;
      }
      await session.end();
      const got = await results;
      expect(seen).toBe(T);
      expect(got.map((r) => r.frame)).toEqual(Array.from({ length: T }, (_, t) => t));
      const N = queries.length;
      for (const r of got) {
        expect(r.ids).toEqual(queries.map((_, i) => i));
        for (let n = 0; n < N; n++) {
          expect(r.tracks[2 * n]).toBe(offline.tracks.data[(n * T + r.frame) * 2]);
          expect(r.tracks[2 * n + 1]).toBe(offline.tracks.data[(n * T + r.frame) * 2 + 1]);
          expect(r.visible[n]).toBe(offline.visible.data[n * T + r.frame]);
        }
      }
      // Latency: frame 4w is final once frame 4w + 7 is in; no frame waits more than 10 frames (before the end).
      arrival.forEach((pushed, t) => {
        if (pushed < T) expect(pushed - 1 - t).toBeLessThanOrEqual(10);
        if (t % 4 === 0 && t + 7 < T - 3) expect(pushed - 1 - t).toBe(7);
      });
    }
  });

  it("latency 'low' yields every frame at most 7 frames after it arrives, equal to offline except <= 3 frames revised by the last window", async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    let revised = 0;
    for (const T of [5, 12, 29, 30, 31, 32]) {
      const video = videoTensor(T);
      const queries = QUERIES.filter((q) => q.t < T);
      const offline = await tracker.track(video, queries);
      const session = tracker.online({ latency: 'low' });
      const arrival: number[] = [];
      const results = (async () => {
        const out: OnlineFrameResult[] = [];
        for await (const r of session) {
          out.push(r);
          arrival.push(session.framesPushed);
        }
        return out;
      })();
      await session.addPoints(queries);
      for (const f of frames(video)) await session.push(f);
      await session.end();
      const got = await results;
      expect(got.map((r) => r.frame)).toEqual(Array.from({ length: T }, (_, t) => t));
      arrival.forEach((pushed, t) => {
        if (pushed < T) expect(pushed - 1 - t).toBeLessThanOrEqual(7);
      });
      const regular = Math.floor((T - 8) / 4) * 4 + 7;
      const differing = got.filter((r) => r.tracks.some((v, i) => v !== offline.tracks.data[(Math.floor(i / 2) * T + r.frame) * 2 + (i % 2)]));
      for (const r of differing) expect(r.frame).toBeGreaterThanOrEqual(T - 8);
      expect(differing.length).toBeLessThanOrEqual(T >= 8 && regular < T - 1 ? 3 : 0);
      revised += differing.length;
    }
    expect(revised).toBeGreaterThan(0);
  });

  it('adds points while streaming (query frame not decoded yet) exactly as if present from the start', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const T = 34;
    const video = videoTensor(T);
    const offline = await tracker.track(video, QUERIES);
    const session = tracker.online();
    const results = collect(session);
    await session.addPoints(QUERIES.slice(0, 3));
    const list = frames(video);
    for (let t = 0; t < T; t++) {
      if (t === 12) {
        expect(session.earliestQueryFrame).toBe(12);
        await expect(session.addPoints([{ t: 11, x: 1, y: 1 }])).rejects.toThrow(/>= 12/);
        // One query frame already pushed but not decided (13 > 11), one in the future (21).
        await session.addPoints(QUERIES.slice(3));
      }
      if (t === 14) {
        const ids = await session.addPoints([{ t: 20, x: 2, y: 2 }]);
        await session.removePoints(ids);
      }
      await session.push(list[t]!);
    }
    await session.end();
    const got = await results;
    for (const r of got.filter((x) => x.frame >= 12)) {
      expect(r.ids).toEqual([0, 1, 2, 3, 4]);
      for (let n = 0; n < 5; n++) expect(r.tracks[2 * n]).toBe(offline.tracks.data[(n * T + r.frame) * 2]);
    }
  });

  it('removes points from later frames', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const session = tracker.online();
    const results = collect(session);
    const ids = await session.addPoints(QUERIES.slice(0, 2));
    const list = frames(videoTensor(20));
    for (let t = 0; t < 20; t++) {
      if (t === 10) await session.removePoints([ids[0]!]);
      await session.push(list[t]!);
    }
    await session.end();
    const got = await results;
    expect(got).toHaveLength(20);
    expect(got.at(-1)!.ids).toEqual([ids[1]]);
    expect(got[0]!.ids).toEqual(ids);
  });

  it('rejects pushes after end and frames of another size', async () => {
    const tracker = await createTracker({ runner: createToyGraphs() });
    const session = tracker.online();
    await session.push(tensor('uint8', [H, W, 3]));
    await expect(session.push(tensor('uint8', [H, W + 1, 3]))).rejects.toThrow(/must be 16x12/);
    const other = tracker.online();
    await other.push(tensor('uint8', [H, W, 3]));
    await other.end();
    await expect(other.push(tensor('uint8', [H, W, 3]))).rejects.toThrow(/ended/);
  });
});
