// SPDX-License-Identifier: Apache-2.0
import { RELEASED_CONFIG, type TaptrConfig } from '@taptr/model';
import type { ModelSession, RuntimeAdapter } from '@taptr/runtime';
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { createGraphRunner, type TaptrModel } from './runtime-graph-runner.js';

interface FakeTensor {
  readonly type: string;
  readonly data: Float32Array | Uint8Array;
  readonly dims: readonly number[];
}

/** A runtime whose sessions record their feeds and answer with zero tensors of the spec §13 shapes. */
function fakeRuntime(C: number, S: number, omit?: string) {
  const feeds: Record<string, Record<string, FakeTensor>[]> = { encoder: [], init: [], decoder: [] };
  const session = (role: string, run: (f: Record<string, FakeTensor>) => Record<string, FakeTensor>): ModelSession =>
    ({
      inputNames: [],
      outputNames: [],
      async run(f: Record<string, FakeTensor>) {
        feeds[role]!.push(f);
        const out = run(f);
        if (omit) delete out[omit];
        return out;
      },
      async release() {},
    }) as unknown as ModelSession;
  const f32 = (dims: number[]): FakeTensor => ({ type: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
  const runtime = {
    name: 'fake',
    isSupported: async () => true,
    tensors: { tensor: (type: string, data: Float32Array | Uint8Array, dims: readonly number[]) => ({ type, data, dims: [...dims] }) },
    async createSession(bytes: Uint8Array) {
      const role = new TextDecoder().decode(bytes);
      if (role === 'encoder') return session(role, (f) => ({ memory: f32([f['image']!.dims[0]!, S, C]) }));
      if (role === 'init') return session(role, (f) => ({ content: f32([f['xy_norm']!.dims[0]!, C]), ref_unsig: f32([f['xy_norm']!.dims[0]!, 4]) }));
      return session(role, (f) => {
        const [K, N] = f['content']!.dims as [number, number];
        return { ref_unsig_out: f32([K, N, 4]), vis_logits: f32([K, N, 3]), content_out: f32([K, N, C]) };
      });
    },
  } as unknown as RuntimeAdapter;
  return { runtime, feeds };
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const config: TaptrConfig = { ...RELEASED_CONFIG, hiddenDim: 8, resolution: 16 };
const model: TaptrModel = { config, frameEncoder: bytes('encoder'), queryInit: bytes('init'), decoderWindow: bytes('decoder') };

describe('createGraphRunner (graph I/O of spec §13)', () => {
  it('feeds the three graphs with the spec names, types and shapes', async () => {
    const { runtime, feeds } = fakeRuntime(8, 5);
    const runner = await createGraphRunner(runtime, model);
    expect(runner.resolution).toBe(16);
    const enc = await runner.encodeFrames(new Float32Array(3 * 16 * 16), 1);
    expect([enc.tokens, enc.channels, enc.memories[0]!.length]).toEqual([5, 8, 40]);
    expect(feeds['encoder']![0]!['image']!.dims).toEqual([1, 3, 16, 16]);
    await runner.initQueries(enc.memories[0]!, new Float32Array(6), 3);
    expect(Object.fromEntries(Object.entries(feeds['init']![0]!).map(([k, v]) => [k, v.dims]))).toEqual({ memory: [1, 5, 8], xy_norm: [3, 2] });
    const K = 8;
    const N = 3;
    await runner.decodeWindow({
      points: N,
      memory: Array.from({ length: K }, () => enc.memories[0]!),
      content: new Float32Array(K * N * 8),
      refUnsig: new Float32Array(K * N * 4),
      trackMask: new Uint8Array(N * K),
      updateMask: new Uint8Array(N * K),
      initContent: new Float32Array(K * N * 8),
    });
    const d = feeds['decoder']![0]!;
    expect(Object.fromEntries(Object.entries(d).map(([k, v]) => [k, [v.type, ...v.dims]]))).toEqual({
      memory: ['float32', K, 5, 8],
      content: ['float32', K, N, 8],
      ref_unsig: ['float32', K, N, 4],
      track_mask: ['bool', N, K],
      update_mask: ['bool', N, K],
      init_content: ['float32', K, N, 8],
    });
  });

  it('names a missing output (TAPTR_MODEL_IO_MISMATCH) and rejects a non-official window size', async () => {
    const { runtime } = fakeRuntime(8, 5, 'memory');
    const runner = await createGraphRunner(runtime, model);
    const error = await runner.encodeFrames(new Float32Array(3 * 16 * 16), 1).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_MODEL_IO_MISMATCH')).toBe(true);
    expect(String(error)).toMatch(/"memory"/);
    await expect(createGraphRunner(runtime, { ...model, config: { ...config, slidingWindowSize: 16 } })).rejects.toThrow(/size 8 and stride 4/);
    await expect(createGraphRunner(runtime, { ...model, queryInit: 'x' as never })).rejects.toThrow(/model\.queryInit must be ONNX bytes/);
  });
});
