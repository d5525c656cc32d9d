// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import type { TapvidVideo } from '@taptr/tapvid';
import { readTapvidDataset } from '@taptr/tapvid/node';
import { sampleDatasetPath } from '../assets.js';
import { tensor } from '@taptr/tensor';
import type { QueryPadding, QueryPoint } from '@taptr/tracker';
import type { TrackingEngine, TrackRequestOptions } from '../engine/tracking-engine.js';
import { evaluateVideo } from './evaluate-video.js';

async function firstVideo(mode: 'first' | 'strided'): Promise<TapvidVideo> {
  for await (const v of readTapvidDataset(sampleDatasetPath(), { queryMode: mode, scale: 'taptr' })) return v;
  throw new Error('empty sample');
}

interface Call {
  queries: readonly QueryPoint[];
  options: TrackRequestOptions;
}

/** An engine that answers with the ground truth of each query (found by its query point) and records its calls. */
function oracleEngine(sample: TapvidVideo, calls: Call[]): TrackingEngine {
  const [T] = sample.video.dims as [number];
  const qp = sample.queryPoints.data;
  const Q = sample.queryPoints.dims[1]!;
  return {
    backend: 'test',
    model: {},
    async track(_video, queries, options = {}) {
      calls.push({ queries, options });
      const tracks = new Float32Array(queries.length * T * 2);
      const visible = new Uint8Array(queries.length * T);
      queries.forEach((p, i) => {
        const q = [...Array(Q).keys()].find((k) => qp[k * 3] === p.t && qp[k * 3 + 1] === p.y && qp[k * 3 + 2] === p.x)!;
        tracks.set(sample.targetPoints.data.subarray(q * T * 2, (q + 1) * T * 2), i * T * 2);
        for (let t = 0; t < T; t++) visible[i * T + t] = sample.targetOccluded.data[q * T + t] ? 0 : 1;
      });
      const [, H, W] = sample.video.dims as [number, number, number];
      return {
        frameCount: T,
        width: W,
        height: H,
        tracks: tensor('float32', [queries.length, T, 2], tracks),
        visible: tensor('bool', [queries.length, T], visible),
      };
    },
    async dispose() {},
  };
}

describe('evaluateVideo (official TAPTR protocol)', () => {
  it("'first': one forward call for all queries, padded with the tracks' frame-0 positions; perfect predictions score 1", async () => {
    const sample = await firstVideo('first');
    const calls: Call[] = [];
    const result = await evaluateVideo(oracleEngine(sample, calls), sample, { mode: 'first', padQueries: 800 });
    const Q = sample.queryPoints.dims[1]!;
    const T = sample.video.dims[0]!;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.queries).toHaveLength(Q);
    expect(calls[0]!.options.bidirectional).toBe(false);
    const pad = calls[0]!.options.padQueries as QueryPadding;
    expect(pad.total).toBe(800);
    expect(pad.queryFrame).toBeUndefined();
    expect(Array.from(pad.framePositions!)).toEqual(
      [...Array(Q).keys()].flatMap((q) => [sample.targetPoints.data[q * T * 2]!, sample.targetPoints.data[q * T * 2 + 1]!]),
    );
    expect(result.metrics.averageJaccard[0]).toBe(1);
    expect(result.metrics.occlusionAccuracy[0]).toBe(1);
  });

  it("'strided': one bidirectional call per query frame, each padded at its frame, results mapped back to the right queries", async () => {
    const sample = await firstVideo('strided');
    const calls: Call[] = [];
    const result = await evaluateVideo(oracleEngine(sample, calls), sample, { mode: 'strided', padQueries: 800 });
    const qp = sample.queryPoints.data;
    const frames = [...new Set([...Array(sample.queryPoints.dims[1]).keys()].map((q) => qp[q * 3]!))];
    expect(calls.map((c) => c.queries[0]!.t)).toEqual(frames);
    for (const call of calls) {
      const t = call.queries[0]!.t;
      expect(call.queries.every((p) => p.t === t)).toBe(true);
      expect(call.options.bidirectional).toBe(true);
      expect(call.options.padQueries).toMatchObject({ total: 800, queryFrame: t });
    }
    expect(calls.reduce((n, c) => n + c.queries.length, 0)).toBe(sample.queryPoints.dims[1]);
    expect(result.metrics.averageJaccard[0]).toBe(1);
    expect(result.metrics.averagePtsWithinThresh[0]).toBe(1);
  });

  it('does not pad when padQueries is 0', async () => {
    const sample = await firstVideo('first');
    const calls: Call[] = [];
    await evaluateVideo(oracleEngine(sample, calls), sample, { mode: 'first', padQueries: 0 });
    expect(calls[0]!.options.padQueries).toBe(0);
  });
});
