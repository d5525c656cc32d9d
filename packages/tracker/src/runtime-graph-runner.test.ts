// SPDX-License-Identifier: Apache-2.0
import { memoryTokens, RELEASED_CONFIG, type TaptrConfig } from '@taptr/model';
import { buildProbeModel, buildTinyModel, type ModelSession, type RuntimeAdapter, type TinyValue } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { isTaptrError, TaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_FIRST_MAX_POINTS } from './decoder-path.js';
import type { DecoderWindowInput } from './graph-runner.js';
import { createGraphRunner, type TaptrModel } from './runtime-graph-runner.js';
import { createTracker } from './tracker.js';

interface FakeTensor {
  readonly type: string;
  readonly data: Float32Array | Uint8Array;
  readonly dims: readonly number[];
}

/** A runtime whose sessions record their feeds and answer with zero tensors of the spec §13 shapes. */
function fakeRuntime(C: number, S: number, omit?: string) {
  const feeds: Record<string, Record<string, FakeTensor>[]> = { encoder: [], init: [], decoder: [], 'decoder-fast': [] };
  /** Pre-allocated outputs passed to each role's runs (undefined: none). */
  const fetched: Record<string, (Record<string, FakeTensor> | undefined)[]> = { encoder: [], init: [], decoder: [], 'decoder-fast': [] };
  /** Roles of the sessions created and released, in order. */
  const created: string[] = [];
  const released: string[] = [];
  const session = (role: string, run: (f: Record<string, FakeTensor>) => Record<string, FakeTensor>): ModelSession => {
    created.push(role);
    return {
      inputNames: [],
      outputNames: [],
      async run(f: Record<string, FakeTensor>, outputs?: Record<string, FakeTensor>) {
        feeds[role]!.push(f);
        fetched[role]!.push(outputs);
        const out = run(f);
        // Like onnxruntime-node: writes the pre-allocated output and returns a copy.
        for (const [name, t] of Object.entries(outputs ?? {})) (t.data as Float32Array).fill(feeds[role]!.length);
        if (omit) delete out[omit];
        return out;
      },
      async release() {
        released.push(role);
      },
    } as unknown as ModelSession;
  };
  const f32 = (dims: number[]): FakeTensor => ({ type: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
  const runtime = {
    name: 'fake',
    isSupported: async () => true,
    tensors: { tensor: (type: string, data: Float32Array | Uint8Array, dims: readonly number[]) => ({ type, data, dims: [...dims] }) },
    async createSession(bytes: Uint8Array) {
      const role = roles.get(bytes) ?? new TextDecoder().decode(bytes);
      if (role === 'encoder') return session(role, (f) => ({ memory: f32([f['image']!.dims[0]!, S, C]) }));
      if (role === 'init') return session(role, (f) => ({ content: f32([f['xy_norm']!.dims[0]!, C]), ref_unsig: f32([f['xy_norm']!.dims[0]!, 4]) }));
      return session(role, (f) => {
        const [K, N] = f['content']!.dims as [number, number];
        return { ref_unsig_out: f32([K, N, 4]), vis_logits: f32([K, N, 3]), content_out: f32([K, N, C]) };
      });
    },
  } as unknown as RuntimeAdapter;
  return { runtime, feeds, fetched, created, released };
}

/** The fake runtime's session role of each graph (by identity); other bytes are read as the role's text. */
const roles = new Map<Uint8Array, string>();
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

const FLOAT = 'float32';
const BOOL = 'bool';
type ValueType = TinyValue['type'];
const DECODER_INPUTS: [string, ValueType][] = [
  ['memory', FLOAT],
  ['content', FLOAT],
  ['ref_unsig', FLOAT],
  ['track_mask', BOOL],
  ['update_mask', BOOL],
  ['init_content', FLOAT],
];
const DECODER_OUTPUTS: [string, ValueType][] = [
  ['ref_unsig_out', FLOAT],
  ['vis_logits', FLOAT],
  ['content_out', FLOAT],
];
/** ONNX bytes declaring `inputs` / `outputs` (no nodes: only the fake runtime "runs" them), session role `role`. */
function graphBytes(role: string, inputs = DECODER_INPUTS, outputs = DECODER_OUTPUTS): Uint8Array {
  const value = ([name, type]: [string, ValueType]): TinyValue => ({ name, type, shape: [] });
  const encoded = buildTinyModel({ name: 'decoder_window', inputs: inputs.map(value), outputs: outputs.map(value), nodes: [] });
  roles.set(encoded, role);
  return encoded;
}

const config: TaptrConfig = { ...RELEASED_CONFIG, hiddenDim: 8, resolution: 32 };
/** Memory tokens of `config` (levels 8x8, 4x4, 2x2, 1x1). */
const S_TEST = memoryTokens(config);
const model: TaptrModel = { config, frameEncoder: bytes('encoder'), queryInit: bytes('init'), decoderWindow: graphBytes('decoder') };
const withFast: TaptrModel = { ...model, decoderWindowSampleFirst: graphBytes('decoder-fast') };

/** A window of N points over memories of S tokens (C = 8). */
function windowOf(N: number, S = S_TEST): DecoderWindowInput {
  const K = 8;
  return {
    points: N,
    memory: Array.from({ length: K }, () => new Float32Array(S * 8)),
    content: new Float32Array(K * N * 8),
    refUnsig: new Float32Array(K * N * 4),
    trackMask: new Uint8Array(N * K),
    updateMask: new Uint8Array(N * K),
    initContent: new Float32Array(K * N * 8),
  };
}

describe('createGraphRunner (graph I/O of spec §13)', () => {
  it('feeds the three graphs with the spec names, types and shapes', async () => {
    const { runtime, feeds } = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(runtime, model);
    expect(runner.resolution).toBe(32);
    const enc = await runner.encodeFrames(new Float32Array(3 * 32 * 32), 1);
    expect([enc.tokens, enc.channels, enc.memories[0]!.length]).toEqual([S_TEST, 8, S_TEST * 8]);
    expect(feeds['encoder']![0]!['image']!.dims).toEqual([1, 3, 32, 32]);
    await runner.initQueries(enc.memories[0]!, new Float32Array(6), 3);
    expect(Object.fromEntries(Object.entries(feeds['init']![0]!).map(([k, v]) => [k, v.dims]))).toEqual({ memory: [1, S_TEST, 8], xy_norm: [3, 2] });
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
      memory: ['float32', K, S_TEST, 8],
      content: ['float32', K, N, 8],
      ref_unsig: ['float32', K, N, 4],
      track_mask: ['bool', N, K],
      update_mask: ['bool', N, K],
      init_content: ['float32', K, N, 8],
    });
  });

  it('names a missing output (TAPTR_MODEL_IO_MISMATCH) and rejects a non-official window size', async () => {
    const { runtime } = fakeRuntime(8, S_TEST, 'memory');
    const runner = await createGraphRunner(runtime, model);
    const error = await runner.encodeFrames(new Float32Array(3 * 32 * 32), 1).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_MODEL_IO_MISMATCH')).toBe(true);
    expect(String(error)).toMatch(/"memory"/);
    await expect(createGraphRunner(runtime, { ...model, config: { ...config, slidingWindowSize: 16 } })).rejects.toThrow(/size 8 and stride 4/);
    await expect(createGraphRunner(runtime, { ...model, queryInit: 'x' as never })).rejects.toThrow(/model\.queryInit must be ONNX bytes/);
  });
});

describe('createGraphRunner: buffers of the caller (issue 15)', () => {
  it('declares the memory size and that it keeps no window input; writes the memory into a given target', async () => {
    const { runtime, feeds, fetched } = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(runtime, model);
    expect(runner.memoryFloats).toBe(S_TEST * 8);
    expect(runner.copiesInputs).toBe(true);
    const ring = new Float32Array(3 * S_TEST * 8);
    const target = ring.subarray(S_TEST * 8, 2 * S_TEST * 8);
    const enc = await runner.encodeFrames(new Float32Array(3 * 32 * 32), 1, target);
    expect(fetched['encoder']![0]!['memory']!.data).toBe(target);
    expect(enc.memories[0]!.buffer).toBe(ring.buffer);
    expect(enc.memories[0]!.byteOffset).toBe(target.byteOffset);
    expect(Array.from(new Set(target))).toEqual([1]);
    expect(ring[0]).toBe(0);
    expect(ring[2 * S_TEST * 8]).toBe(0);
    // A target of the wrong size is not used.
    await runner.encodeFrames(new Float32Array(3 * 32 * 32), 1, new Float32Array(5));
    expect(fetched['encoder']![1]).toBeUndefined();
    expect(feeds['encoder']).toHaveLength(2);
  });

  it('feeds a window given contiguous as is, and copies separate memories into one buffer reused across windows', async () => {
    const { runtime, feeds } = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(runtime, model, undefined, { sampleFirstMaxPoints: 0 });
    const K = 8;
    const window = Float32Array.from({ length: K * S_TEST * 8 }, (_, i) => i);
    const input = { ...windowOf(3), memory: Array.from({ length: K }, (_, k) => window.subarray(k * S_TEST * 8, (k + 1) * S_TEST * 8)) };
    await runner.decodeWindow({ ...input, window });
    expect(feeds['decoder']![0]!['memory']!.data).toBe(window);
    await runner.decodeWindow(input);
    await runner.decodeWindow(input);
    const [a, b] = [feeds['decoder']![1]!['memory']!.data, feeds['decoder']![2]!['memory']!.data];
    expect(a).not.toBe(window);
    expect(a).toBe(b);
    expect(Array.from(a)).toEqual(Array.from(window));
  });
});

describe('createGraphRunner: decoder path by point count (sampleFirstMaxPoints)', () => {
  it('creates each decoder session only at the first window that runs on it, then picks per window', async () => {
    const { runtime, feeds, created, released } = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(runtime, withFast);
    expect(created).toEqual(['encoder', 'init']);
    expect(DEFAULT_SAMPLE_FIRST_MAX_POINTS).toBe(64);
    expect([runner.decoderPath(1), runner.decoderPath(64), runner.decoderPath(65), runner.decoderPath(800)]).toEqual(['sample-first', 'sample-first', 'project-first', 'project-first']);

    await runner.decodeWindow(windowOf(65));
    expect(created).toEqual(['encoder', 'init', 'decoder']);
    expect([feeds['decoder']!.length, feeds['decoder-fast']!.length]).toEqual([1, 0]);

    await runner.decodeWindow(windowOf(64));
    await runner.decodeWindow(windowOf(3));
    expect(created).toEqual(['encoder', 'init', 'decoder', 'decoder-fast']);
    expect([feeds['decoder']!.length, feeds['decoder-fast']!.length]).toEqual([1, 2]);
    // The same feed names, types and shapes as the project-first graph.
    const fast = feeds['decoder-fast']![1]!;
    expect(Object.fromEntries(Object.entries(fast).map(([k, v]) => [k, [v.type, ...v.dims]]))).toEqual({
      memory: ['float32', 8, S_TEST, 8],
      content: ['float32', 8, 3, 8],
      ref_unsig: ['float32', 8, 3, 4],
      track_mask: ['bool', 3, 8],
      update_mask: ['bool', 3, 8],
      init_content: ['float32', 8, 3, 8],
    });

    // decodeWindowOn forces a path whatever N.
    await runner.decodeWindowOn('project-first', windowOf(3));
    await runner.decodeWindowOn('sample-first', windowOf(100));
    expect([feeds['decoder']!.length, feeds['decoder-fast']!.length]).toEqual([2, 3]);
    expect(created).toHaveLength(4);
    await runner.release();
    expect([...released].sort()).toEqual(['decoder', 'decoder-fast', 'encoder', 'init']);
  });

  it('never creates the sample-first session with sampleFirstMaxPoints 0, nor without the graph', async () => {
    const off = fakeRuntime(8, S_TEST);
    const never = await createGraphRunner(off.runtime, withFast, undefined, { sampleFirstMaxPoints: 0 });
    await never.decodeWindow(windowOf(1));
    expect(never.decoderPath(1)).toBe('project-first');
    expect(off.created).toEqual(['encoder', 'init', 'decoder']);
    await never.release();
    expect(off.released).toHaveLength(3);

    const old = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(old.runtime, model, undefined, { sampleFirstMaxPoints: Infinity });
    await runner.decodeWindow(windowOf(2));
    expect([runner.decoderPath(2), old.feeds['decoder']!.length]).toEqual(['project-first', 1]);
    await expect(runner.decodeWindowOn('sample-first', windowOf(2))).rejects.toThrow(RangeError);
    await expect(runner.decodeWindowOn('sample-first', windowOf(2))).rejects.toThrow(/'sample-first' needs model\.decoderWindowSampleFirst/);
    expect(old.created).toEqual(['encoder', 'init', 'decoder']);

    const all = fakeRuntime(8, S_TEST);
    const always = await createGraphRunner(all.runtime, withFast, undefined, { sampleFirstMaxPoints: Infinity });
    await always.decodeWindow(windowOf(800));
    expect([all.feeds['decoder']!.length, all.feeds['decoder-fast']!.length]).toEqual([0, 1]);
  });

  it('reports a failed decoder session creation on the window that needed it (naming the graph) and retries on the next', async () => {
    const { runtime, created, released } = fakeRuntime(8, S_TEST);
    const failing = new Set(['decoder', 'decoder-fast']);
    const flaky = {
      ...runtime,
      async createSession(b: Uint8Array) {
        if (failing.has(roles.get(b) ?? '')) throw new Error('out of memory');
        return runtime.createSession(b);
      },
    } as RuntimeAdapter;
    const runner = await createGraphRunner(flaky, withFast);
    for (const [points, role, graph] of [
      [4, 'decoder-fast', 'decoder_window (sample-first)'],
      [100, 'decoder', 'decoder_window'],
    ] as const) {
      const error = await runner.decodeWindow(windowOf(points)).catch((e: unknown) => e);
      expect(isTaptrError(error, 'TAPTR_IO'), String(error)).toBe(true);
      expect((error as Error).message).toBe(`createGraphRunner: cannot create the ${graph} session: out of memory`);
      expect((error as Error).cause).toEqual(new Error('out of memory'));
      failing.delete(role);
      await runner.decodeWindow(windowOf(points));
    }
    expect(created).toEqual(['encoder', 'init', 'decoder-fast', 'decoder']);
    await runner.release();
    expect([...released].sort()).toEqual(['decoder', 'decoder-fast', 'encoder', 'init']);
  });

  it("keeps a typed creation error's code, creates a decoder once for concurrent windows, and fails after release", async () => {
    const { runtime, created, released } = fakeRuntime(8, S_TEST);
    let creations = 0;
    const slow = {
      ...runtime,
      async createSession(b: Uint8Array) {
        if (roles.get(b) === 'decoder') {
          creations++;
          if (creations === 1) throw new TaptrError('TAPTR_WEBGPU_ERROR', 'device lost');
          await new Promise((r) => setTimeout(r, 10));
        }
        return runtime.createSession(b);
      },
    } as RuntimeAdapter;
    const runner = await createGraphRunner(slow, withFast);
    const error = await runner.decodeWindow(windowOf(200)).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_WEBGPU_ERROR')).toBe(true);
    expect(String(error)).toMatch(/cannot create the decoder_window session: device lost/);
    await Promise.all([runner.decodeWindow(windowOf(100)), runner.decodeWindow(windowOf(200)), runner.decodeWindowOn('project-first', windowOf(2))]);
    expect(creations).toBe(2);
    expect(created).toEqual(['encoder', 'init', 'decoder']);
    await runner.release();
    expect([...released].sort()).toEqual(['decoder', 'encoder', 'init']);
    const late = await runner.decodeWindow(windowOf(2)).catch((e: unknown) => e);
    expect(isTaptrError(late, 'TAPTR_INVALID_ARGUMENT')).toBe(true);
    expect(String(late)).toMatch(/decoder_window \(sample-first\): the graph runner was released/);
    expect(created).toHaveLength(3);
  });

  it('creates the project-first session up front when no window can use the sample-first one', async () => {
    for (const [m, max] of [
      [model, undefined],
      [withFast, 0],
    ] as const) {
      const { runtime, created, released } = fakeRuntime(8, S_TEST);
      const runner = await createGraphRunner(runtime, m, undefined, { sampleFirstMaxPoints: max });
      expect(created).toEqual(['encoder', 'init', 'decoder']);
      await runner.decodeWindow(windowOf(1));
      expect(created).toEqual(['encoder', 'init', 'decoder']);
      await runner.release();
      expect(released).toEqual(['encoder', 'init', 'decoder']);
    }
  });

  it('checks the decoder graphs up front: unreadable bytes (TAPTR_IO) or other inputs/outputs (TAPTR_MODEL_IO_MISMATCH), naming the graph', async () => {
    const { runtime, created } = fakeRuntime(8, S_TEST);
    const garbage = new Uint8Array([1, 2, 3, 4, 5]);
    const cases: [TaptrModel, string, RegExp][] = [
      [{ ...withFast, decoderWindow: garbage }, 'TAPTR_IO', /^createTracker: model\.decoderWindow \(decoder_window\) is not a readable ONNX model \(5 bytes\): /],
      [{ ...withFast, decoderWindowSampleFirst: garbage }, 'TAPTR_IO', /^createTracker: model\.decoderWindowSampleFirst \(decoder_window \(sample-first\)\) is not a readable ONNX model/],
      [{ ...withFast, decoderWindow: new Uint8Array(64) }, 'TAPTR_MODEL_IO_MISMATCH', /model\.decoderWindow \(decoder_window\) must declare the decoder window inputs \(memory float32, .*init_content float32\).*got inputs \(none\) and outputs \(none\)/],
      [{ ...withFast, decoderWindowSampleFirst: graphBytes('x', DECODER_INPUTS.slice(1)) }, 'TAPTR_MODEL_IO_MISMATCH', /model\.decoderWindowSampleFirst .*got inputs \(content float32, ref_unsig float32/],
      [{ ...withFast, decoderWindow: graphBytes('x', DECODER_INPUTS.map(([n]) => [n, FLOAT])) }, 'TAPTR_MODEL_IO_MISMATCH', /got inputs \(.*track_mask float32/],
      [{ ...withFast, decoderWindow: graphBytes('x', DECODER_INPUTS, DECODER_OUTPUTS.slice(0, 2)) }, 'TAPTR_MODEL_IO_MISMATCH', /and outputs \(ref_unsig_out float32, vis_logits float32\)$/],
      [{ ...withFast, decoderWindowSampleFirst: graphBytes('x', [['image', FLOAT]], [['memory', FLOAT]]) }, 'TAPTR_MODEL_IO_MISMATCH', /got inputs \(image float32\) and outputs \(memory float32\)/],
    ];
    for (const [bad, code, message] of cases) {
      const error = await createGraphRunner(runtime, bad).catch((e: unknown) => e);
      expect(isTaptrError(error, code as never), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      await expect(createTracker({ runtime, model: bad })).rejects.toThrow(message);
    }
    expect(created).toEqual([]);
  });

  it('names the graph of a session onnxruntime cannot create (onnxruntime-node)', async () => {
    const probe = buildProbeModel();
    const runtime = createNodeRuntime({ threads: 1 });
    const eager = await createGraphRunner(runtime, { config, frameEncoder: probe, queryInit: probe, decoderWindow: probe }).catch((e: unknown) => e);
    expect(eager).not.toBeInstanceOf(Error); // the probe model loads: the failures below are the decoder's
    await (eager as { release(): Promise<void> }).release();
    const broken = new Uint8Array(64).fill(0xff);
    const error = await createGraphRunner(runtime, { config, frameEncoder: probe, queryInit: probe, decoderWindow: broken }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_IO'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/^createGraphRunner: cannot create the decoder_window session: .+/);
  });

  it('rejects a bad sampleFirstMaxPoints (createGraphRunner and createTracker) and a bad sample-first graph', async () => {
    const { runtime } = fakeRuntime(8, S_TEST);
    for (const bad of [-1, 1.5, Number.NaN]) {
      await expect(createGraphRunner(runtime, withFast, undefined, { sampleFirstMaxPoints: bad })).rejects.toThrow(RangeError);
      await expect(createTracker({ runtime, model: withFast, sampleFirstMaxPoints: bad })).rejects.toThrow(/^createTracker: options\.sampleFirstMaxPoints must be a non-negative integer point count or Infinity/);
    }
    await expect(createGraphRunner(runtime, withFast, undefined, { sampleFirstMaxPoints: '64' as never })).rejects.toThrow(TypeError);
    await expect(createGraphRunner(runtime, withFast, undefined, { sampleFirstMaxPoints: '64' as never })).rejects.toThrow(/createGraphRunner: options\.sampleFirstMaxPoints must be .*, got/);
    await expect(createGraphRunner(runtime, { ...model, decoderWindowSampleFirst: [1, 2] as never })).rejects.toThrow(/model\.decoderWindowSampleFirst must be ONNX bytes/);
    const tracker = await createTracker({ runtime, model: withFast, sampleFirstMaxPoints: 0 });
    await tracker.release();
  });
});
