// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from 'node:url';
import { memoryTokens, RELEASED_CONFIG, type GraphSignature, type TaptrConfig, type TaptrGraphs } from '@taptr/model/format';
import { buildProbeModel, type ModelSession, type RuntimeAdapter } from '@taptr/runtime';
import { buildTinyModel, type TinyValue } from '@taptr/runtime/testing';
import { createNodeRuntime } from '@taptr/runtime-node';
import { isTaptrError, TaptrError } from '@taptr/tensor';
import { importGraph } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_FIRST_MAX_POINTS } from './decoder-path.js';
import type { DecoderWindowInput, DecoderWindowOutput } from './graph-runner.js';
import { createGraphRunner } from './runtime-graph-runner.js';
import { createTracker } from './tracker.js';

interface FakeTensor {
  readonly type: string;
  readonly data: Float32Array | Uint8Array;
  readonly dims: readonly number[];
}

const FLOAT = 'float32';
const BOOL = 'bool';
type ValueType = TinyValue['type'];
type Io = [string, ValueType][];
const DECODER_INPUTS: Io = [
  ['memory', FLOAT],
  ['content', FLOAT],
  ['ref_unsig', FLOAT],
  ['track_mask', BOOL],
  ['update_mask', BOOL],
  ['init_content', FLOAT],
];
const DECODER_OUTPUTS: Io = [
  ['ref_unsig_out', FLOAT],
  ['vis_logits', FLOAT],
  ['content_out', FLOAT],
];
/** Declared inputs and outputs of each fake session role (the spec §13 ones). */
const ROLE_IO: Record<string, [Io, Io]> = {
  encoder: [[['image', FLOAT]], [['memory', FLOAT]]],
  init: [
    [
      ['memory', FLOAT],
      ['xy_norm', FLOAT],
    ],
    [
      ['content', FLOAT],
      ['ref_unsig', FLOAT],
    ],
  ],
  decoder: [DECODER_INPUTS, DECODER_OUTPUTS],
  'decoder-fast': [DECODER_INPUTS, DECODER_OUTPUTS],
};

/** The fake runtime's session role of each graph, and the inputs/outputs its session declares (by identity); other bytes are read as the role's text. */
const roles = new Map<Uint8Array, { role: string; io: [Io, Io] }>();
const bytes = (role: string): Uint8Array => new TextEncoder().encode(role);
/** Graph bytes whose fake session is `role` but declares `inputs` / `outputs`. */
function graphBytes(role: string, inputs: Io = ROLE_IO[role]![0], outputs: Io = ROLE_IO[role]![1]): Uint8Array {
  const b = bytes(role);
  roles.set(b, { role, io: [inputs, outputs] });
  return b;
}
const signature = (inputs: Io, outputs: Io): GraphSignature => ({
  name: 'g',
  inputs: inputs.map(([name, type]) => ({ name, type, dims: [] })),
  outputs: outputs.map(([name, type]) => ({ name, type, dims: [] })),
});

/**
 * A runtime whose sessions record their feeds and answer with zero tensors of the spec §13 shapes;
 * pre-allocated outputs are filled with the run count (like onnxruntime-node, written in place, a copy returned).
 * Sessions declare their role's inputs and outputs, with types when `metadata`.
 */
function fakeRuntime(C: number, S: number, options: { metadata?: boolean } = {}) {
  const feeds: Record<string, Record<string, FakeTensor>[]> = { encoder: [], init: [], decoder: [], 'decoder-fast': [] };
  /** Pre-allocated outputs passed to each role's runs (undefined: none). */
  const fetched: Record<string, (Record<string, FakeTensor> | undefined)[]> = { encoder: [], init: [], decoder: [], 'decoder-fast': [] };
  /** Roles of the sessions created and released, in order. */
  const created: string[] = [];
  const released: string[] = [];
  const session = (role: string, io: [Io, Io], run: (f: Record<string, FakeTensor>) => Record<string, FakeTensor>): ModelSession => {
    created.push(role);
    const spec = ([name, type]: [string, ValueType]) => ({ name, type });
    return {
      inputNames: io[0].map(([n]) => n),
      outputNames: io[1].map(([n]) => n),
      ...(options.metadata ? { inputSpecs: io[0].map(spec), outputSpecs: io[1].map(spec) } : {}),
      async run(f: Record<string, FakeTensor>, outputs?: Record<string, FakeTensor>) {
        feeds[role]!.push(f);
        fetched[role]!.push(outputs);
        const out = run(f);
        for (const t of Object.values(outputs ?? {})) (t.data as Float32Array).fill(feeds[role]!.length);
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
    async createSession(b: Uint8Array) {
      const known = roles.get(b);
      const role = known?.role ?? new TextDecoder().decode(b);
      const io = known?.io ?? ROLE_IO[role] ?? [[], []];
      if (role === 'encoder') return session(role, io, (f) => ({ memory: f32([f['image']!.dims[0]!, S, C]) }));
      if (role === 'init') return session(role, io, (f) => ({ content: f32([f['xy_norm']!.dims[0]!, C]), ref_unsig: f32([f['xy_norm']!.dims[0]!, 4]) }));
      return session(role, io, (f) => {
        const [K, N] = f['content']!.dims as [number, number];
        return { ref_unsig_out: f32([K, N, 4]), vis_logits: f32([K, N, 3]), content_out: f32([K, N, C]) };
      });
    },
  } as unknown as RuntimeAdapter;
  return { runtime, feeds, fetched, created, released };
}

const config: TaptrConfig = { ...RELEASED_CONFIG, hiddenDim: 8, resolution: 32 };
/** Memory tokens of `config` (levels 8x8, 4x4, 2x2, 1x1). */
const S_TEST = memoryTokens(config);
const K = 8;
const model: TaptrGraphs = { config, frameEncoder: graphBytes('encoder'), queryInit: graphBytes('init'), decoderWindow: graphBytes('decoder') };
const withFast: TaptrGraphs = { ...model, decoderWindowSampleFirst: graphBytes('decoder-fast') };

/** A window of N points over a `[K, S, C]` memory (C = 8). */
function windowOf(N: number, S = S_TEST): DecoderWindowInput {
  return {
    points: N,
    memory: new Float32Array(K * S * 8),
    content: new Float32Array(K * N * 8),
    refUnsig: new Float32Array(K * N * 4),
    trackMask: new Uint8Array(N * K),
    updateMask: new Uint8Array(N * K),
    initContent: new Float32Array(K * N * 8),
  };
}
/** Output arrays for a window of N points (C = 8). */
function outputOf(N: number): DecoderWindowOutput {
  return { refUnsigOut: new Float32Array(K * N * 4), visLogits: new Float32Array(K * N * 3), contentOut: new Float32Array(K * N * 8) };
}
const image = (): Float32Array => new Float32Array(3 * 32 * 32);

describe('createGraphRunner (graph I/O of spec §13)', () => {
  it('feeds the three graphs with the spec names, types and shapes', async () => {
    const { runtime, feeds } = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(runtime, model);
    expect([runner.resolution, runner.tokens, runner.channels]).toEqual([32, S_TEST, 8]);
    const memory = new Float32Array(S_TEST * 8);
    await runner.encodeFrames(image(), 1, memory);
    expect(feeds['encoder']![0]!['image']!.dims).toEqual([1, 3, 32, 32]);
    await runner.initQueries(memory, new Float32Array(6), 3);
    expect(Object.fromEntries(Object.entries(feeds['init']![0]!).map(([k, v]) => [k, v.dims]))).toEqual({ memory: [1, S_TEST, 8], xy_norm: [3, 2] });
    const N = 3;
    await runner.decodeWindow(windowOf(N), outputOf(N));
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

  it('refuses memory of the wrong size or on another device, a non-official window size and non-bytes graphs', async () => {
    const { runtime } = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(runtime, model);
    await expect(runner.encodeFrames(image(), 1, new Float32Array(5))).rejects.toThrow(
      `encodeFrames: memory must be ${S_TEST * 8} host floats (Float32Array), got Float32Array(5)`,
    );
    await expect(
      runner.decodeWindow({ ...windowOf(2), memory: { location: 'gpu-buffer', buffer: {}, offset: 0, length: K * S_TEST * 8 } }, outputOf(2)),
    ).rejects.toThrow(/decodeWindow: memory must be .* host floats/);
    await expect(runner.initQueries(new Float32Array(3), new Float32Array(2), 1)).rejects.toThrow(TypeError);
    await expect(createGraphRunner(runtime, { ...model, config: { ...config, slidingWindowSize: 16 } })).rejects.toThrow(/size 8 and stride 4/);
    await expect(createGraphRunner(runtime, { ...model, queryInit: 'x' as never })).rejects.toThrow(/model\.queryInit must be ONNX bytes/);
  });
});

describe('createGraphRunner: buffers of the caller (issues 14, 15)', () => {
  it('writes the encoder memory into the given ring slot and window outputs into the given arrays (pre-allocated outputs)', async () => {
    const { runtime, feeds, fetched } = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(runtime, model);
    expect(runner.copiesInputs).toBe(true);
    const ring = new Float32Array(3 * S_TEST * 8);
    const target = ring.subarray(S_TEST * 8, 2 * S_TEST * 8);
    await runner.encodeFrames(image(), 1, target);
    expect(fetched['encoder']![0]!['memory']!.data).toBe(target);
    expect(Array.from(new Set(target))).toEqual([1]);
    expect([ring[0], ring[2 * S_TEST * 8]]).toEqual([0, 0]);

    // The window's memory is fed as given (a view of the ring), its outputs land in the caller's arrays.
    const window = Float32Array.from({ length: K * S_TEST * 8 }, (_, i) => i);
    const output = outputOf(3);
    await runner.decodeWindow({ ...windowOf(3), memory: window }, output);
    expect(feeds['decoder']![0]!['memory']!.data).toBe(window);
    const given = fetched['decoder']![0]!;
    expect([given['ref_unsig_out']!.data, given['vis_logits']!.data, given['content_out']!.data]).toEqual([
      output.refUnsigOut,
      output.visLogits,
      output.contentOut,
    ]);
    expect([given['ref_unsig_out']!.dims, given['vis_logits']!.dims, given['content_out']!.dims]).toEqual([
      [K, 3, 4],
      [K, 3, 3],
      [K, 3, 8],
    ]);
    expect(given['ref_unsig_out']!.data).toBe(output.refUnsigOut);
    expect(Array.from(new Set(output.contentOut))).toEqual([1]);
  });
});

describe('createGraphRunner: graph signatures from model.json or the session (never decoded from the graph)', () => {
  it('checks the signatures model.json lists before creating any session, naming the graph and what differs', async () => {
    const { runtime, created } = fakeRuntime(8, S_TEST);
    const sig = (inputs: Io, outputs: Io) => signature(inputs, outputs);
    const declared = {
      frameEncoder: sig(...ROLE_IO['encoder']!),
      queryInit: sig(...ROLE_IO['init']!),
      decoderWindow: sig(DECODER_INPUTS, DECODER_OUTPUTS),
      decoderWindowSampleFirst: sig(DECODER_INPUTS, DECODER_OUTPUTS),
    };
    const cases: [Partial<typeof declared>, RegExp][] = [
      [
        { decoderWindow: sig(DECODER_INPUTS.slice(1), DECODER_OUTPUTS) },
        /^createTracker: model\.decoderWindow \(decoder_window\) must declare the decoder window inputs \(memory float32, .*init_content float32\) and float32 outputs \(ref_unsig_out, vis_logits, content_out\), model\.json declares inputs \(content float32, ref_unsig float32/,
      ],
      [
        {
          decoderWindowSampleFirst: sig(
            DECODER_INPUTS.map(([n]) => [n, FLOAT]),
            DECODER_OUTPUTS,
          ),
        },
        /model\.decoderWindowSampleFirst \(decoder_window \(sample-first\)\) .*inputs \(.*track_mask float32/,
      ],
      [{ decoderWindow: sig(DECODER_INPUTS, DECODER_OUTPUTS.slice(0, 2)) }, /and outputs \(ref_unsig_out float32, vis_logits float32\)$/],
      [
        { frameEncoder: sig([['pixels', FLOAT]], [['memory', FLOAT]]) },
        /model\.frameEncoder \(frame_encoder\) must declare the frame encoder inputs \(image float32\) and float32 outputs \(memory\), model\.json declares inputs \(pixels float32\)/,
      ],
      [
        { queryInit: sig(ROLE_IO['init']![0], [['ref_unsig', FLOAT]]) },
        /model\.queryInit \(query_init\) must declare the query init inputs \(memory float32, xy_norm float32\) and float32 outputs \(content\)/,
      ],
    ];
    for (const [bad, message] of cases) {
      const m: TaptrGraphs = { ...withFast, signatures: { ...declared, ...bad } };
      const error = await createGraphRunner(runtime, m).catch((e: unknown) => e);
      expect(isTaptrError(error, 'TAPTR_MODEL_IO_MISMATCH'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      await expect(createTracker({ runtime, model: m })).rejects.toThrow(message);
    }
    expect(created).toEqual([]);
    // The declared signatures as written: accepted.
    await (await createGraphRunner(runtime, { ...withFast, signatures: declared })).release();
  });

  it("without listed signatures (folders converted before), checks each session's own inputs and outputs when it is created", async () => {
    for (const metadata of [false, true]) {
      const { runtime, created, released } = fakeRuntime(8, S_TEST, { metadata });
      // An eager session (the encoder): createGraphRunner fails, naming the graph; nothing left open.
      const badEncoder = { ...withFast, frameEncoder: graphBytes('encoder', [['pixels', FLOAT]], [['memory', FLOAT]]) };
      const error = await createGraphRunner(runtime, badEncoder).catch((e: unknown) => e);
      expect(isTaptrError(error, 'TAPTR_MODEL_IO_MISMATCH'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(`model\\.frameEncoder \\(frame_encoder\\) must declare .*its session declares inputs \\(pixels${metadata ? ' float32' : ''}\\)`),
      );
      expect(released).toEqual(created);
      // A lazy decoder: the first window on it fails (typed, naming the graph), the others run.
      const types = DECODER_INPUTS.map(([n]) => [n, FLOAT] as [string, ValueType]);
      const badFast = { ...withFast, decoderWindowSampleFirst: graphBytes('decoder-fast', metadata ? types : DECODER_INPUTS.slice(1)) };
      const runner = await createGraphRunner(runtime, badFast);
      const late = await runner.decodeWindow(windowOf(2), outputOf(2)).catch((e: unknown) => e);
      expect(isTaptrError(late, 'TAPTR_MODEL_IO_MISMATCH'), String(late)).toBe(true);
      expect((late as Error).message).toMatch(
        metadata
          ? /model\.decoderWindowSampleFirst .*its session declares inputs \(.*track_mask float32/
          : /its session declares inputs \(content, ref_unsig, /,
      );
      await runner.decodeWindow(windowOf(100), outputOf(100));
      await runner.release();
      expect([...released].sort()).toEqual([...created].sort());
    }
  });

  it('names the graph of a session onnxruntime cannot create, and checks real session metadata (onnxruntime-node)', async () => {
    const runtime = createNodeRuntime({ threads: 1 });
    const value = ([name, type]: [string, ValueType]): TinyValue => ({ name, type, shape: ['n'] });
    const identity = (inputs: Io, outputs: Io) =>
      buildTinyModel({
        name: 'g',
        inputs: inputs.map(value),
        outputs: outputs.map(value),
        nodes: outputs.map(([name], i) => ({ op: 'Identity', inputs: [inputs[Math.min(i, inputs.length - 1)]![0]], outputs: [name] })),
      });
    const encoder = identity(...ROLE_IO['encoder']!);
    const init = identity(...ROLE_IO['init']!);
    const broken = new Uint8Array(64).fill(0xff);
    const error = await createGraphRunner(runtime, { config, frameEncoder: encoder, queryInit: init, decoderWindow: broken }).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_IO'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/^createGraphRunner: cannot create the decoder_window session: .+/);
    // onnxruntime reports the element types: a float32 track_mask is named.
    const floatMasks = identity(
      DECODER_INPUTS.map(([n]) => [n, FLOAT]),
      DECODER_OUTPUTS,
    );
    const mismatch = await createGraphRunner(runtime, { config, frameEncoder: encoder, queryInit: init, decoderWindow: floatMasks }).catch((e: unknown) => e);
    expect(isTaptrError(mismatch, 'TAPTR_MODEL_IO_MISMATCH'), String(mismatch)).toBe(true);
    expect((mismatch as Error).message).toMatch(
      /its session declares inputs \(memory float32, content float32, ref_unsig float32, track_mask float32, update_mask float32, init_content float32\)/,
    );
    const probe = buildProbeModel();
    await expect(createGraphRunner(runtime, { config, frameEncoder: probe, queryInit: init, decoderWindow: floatMasks })).rejects.toThrow(
      /model\.frameEncoder \(frame_encoder\) .*its session declares inputs \(a float32, b float32\) and outputs \(sum float32\)/,
    );
  });
});

describe('the tracker depends on contracts only', () => {
  it('imports no protobuf, no graph builder and no Node.js module (tensor, runtime, the model format)', () => {
    const graph = importGraph(fileURLToPath(new URL('./index.ts', import.meta.url)));
    // @taptr/runtime is imported for its types only (erased): what runs is the model format and tensor.
    expect([...graph.workspace.keys()].sort()).toEqual(['@taptr/model/format', '@taptr/tensor']);
    expect([...graph.externals.keys()]).toEqual([]);
    const foreign = graph.files.filter((f) => /[\\/](onnx|ops)[\\/]src[\\/]|[\\/]model[\\/]src[\\/](graphs|checkpoint|node)[\\/]/.test(f));
    expect(foreign).toEqual([]);
  });
});

describe('createGraphRunner: decoder path by point count (sampleFirstMaxPoints)', () => {
  it('creates each decoder session only at the first window that runs on it, then picks per window', async () => {
    const { runtime, feeds, created, released } = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(runtime, withFast);
    expect(created).toEqual(['encoder', 'init']);
    expect(DEFAULT_SAMPLE_FIRST_MAX_POINTS).toBe(64);
    expect([runner.decoderPath(1), runner.decoderPath(64), runner.decoderPath(65), runner.decoderPath(800)]).toEqual([
      'sample-first',
      'sample-first',
      'project-first',
      'project-first',
    ]);

    await runner.decodeWindow(windowOf(65), outputOf(65));
    expect(created).toEqual(['encoder', 'init', 'decoder']);
    expect([feeds['decoder']!.length, feeds['decoder-fast']!.length]).toEqual([1, 0]);

    await runner.decodeWindow(windowOf(64), outputOf(64));
    await runner.decodeWindow(windowOf(3), outputOf(3));
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
    await runner.decodeWindowOn('project-first', windowOf(3), outputOf(3));
    await runner.decodeWindowOn('sample-first', windowOf(100), outputOf(100));
    expect([feeds['decoder']!.length, feeds['decoder-fast']!.length]).toEqual([2, 3]);
    expect(created).toHaveLength(4);
    await runner.release();
    expect([...released].sort()).toEqual(['decoder', 'decoder-fast', 'encoder', 'init']);
  });

  it('never creates the sample-first session with sampleFirstMaxPoints 0, nor without the graph', async () => {
    const off = fakeRuntime(8, S_TEST);
    const never = await createGraphRunner(off.runtime, withFast, undefined, { sampleFirstMaxPoints: 0 });
    await never.decodeWindow(windowOf(1), outputOf(1));
    expect(never.decoderPath(1)).toBe('project-first');
    expect(off.created).toEqual(['encoder', 'init', 'decoder']);
    await never.release();
    expect(off.released).toHaveLength(3);

    const old = fakeRuntime(8, S_TEST);
    const runner = await createGraphRunner(old.runtime, model, undefined, { sampleFirstMaxPoints: Infinity });
    await runner.decodeWindow(windowOf(2), outputOf(2));
    expect([runner.decoderPath(2), old.feeds['decoder']!.length]).toEqual(['project-first', 1]);
    await expect(runner.decodeWindowOn('sample-first', windowOf(2), outputOf(2))).rejects.toThrow(RangeError);
    await expect(runner.decodeWindowOn('sample-first', windowOf(2), outputOf(2))).rejects.toThrow(/'sample-first' needs model\.decoderWindowSampleFirst/);
    expect(old.created).toEqual(['encoder', 'init', 'decoder']);

    const all = fakeRuntime(8, S_TEST);
    const always = await createGraphRunner(all.runtime, withFast, undefined, { sampleFirstMaxPoints: Infinity });
    await always.decodeWindow(windowOf(800), outputOf(800));
    expect([all.feeds['decoder']!.length, all.feeds['decoder-fast']!.length]).toEqual([0, 1]);
  });

  it('reports a failed decoder session creation on the window that needed it (naming the graph) and retries on the next', async () => {
    const { runtime, created, released } = fakeRuntime(8, S_TEST);
    const failing = new Set(['decoder', 'decoder-fast']);
    const flaky = {
      ...runtime,
      async createSession(b: Uint8Array) {
        if (failing.has(roles.get(b)?.role ?? '')) throw new Error('out of memory');
        return runtime.createSession(b);
      },
    };
    const runner = await createGraphRunner(flaky, withFast);
    for (const [points, role, graph] of [
      [4, 'decoder-fast', 'decoder_window (sample-first)'],
      [100, 'decoder', 'decoder_window'],
    ] as const) {
      const error = await runner.decodeWindow(windowOf(points), outputOf(points)).catch((e: unknown) => e);
      expect(isTaptrError(error, 'TAPTR_IO'), String(error)).toBe(true);
      expect((error as Error).message).toBe(`createGraphRunner: cannot create the ${graph} session: out of memory`);
      expect((error as Error).cause).toEqual(new Error('out of memory'));
      failing.delete(role);
      await runner.decodeWindow(windowOf(points), outputOf(points));
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
        if (roles.get(b)?.role === 'decoder') {
          creations++;
          if (creations === 1) throw new TaptrError('TAPTR_WEBGPU_ERROR', 'device lost');
          await new Promise((r) => setTimeout(r, 10));
        }
        return runtime.createSession(b);
      },
    };
    const runner = await createGraphRunner(slow, withFast);
    const error = await runner.decodeWindow(windowOf(200), outputOf(200)).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_WEBGPU_ERROR')).toBe(true);
    expect(String(error)).toMatch(/cannot create the decoder_window session: device lost/);
    await Promise.all([
      runner.decodeWindow(windowOf(100), outputOf(100)),
      runner.decodeWindow(windowOf(200), outputOf(200)),
      runner.decodeWindowOn('project-first', windowOf(2), outputOf(2)),
    ]);
    expect(creations).toBe(2);
    expect(created).toEqual(['encoder', 'init', 'decoder']);
    await runner.release();
    expect([...released].sort()).toEqual(['decoder', 'encoder', 'init']);
    const late = await runner.decodeWindow(windowOf(2), outputOf(2)).catch((e: unknown) => e);
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
      await runner.decodeWindow(windowOf(1), outputOf(1));
      expect(created).toEqual(['encoder', 'init', 'decoder']);
      await runner.release();
      expect(released).toEqual(['encoder', 'init', 'decoder']);
    }
  });

  it('rejects a bad sampleFirstMaxPoints (createGraphRunner and createTracker) and a bad sample-first graph', async () => {
    const { runtime } = fakeRuntime(8, S_TEST);
    for (const bad of [-1, 1.5, Number.NaN]) {
      await expect(createGraphRunner(runtime, withFast, undefined, { sampleFirstMaxPoints: bad })).rejects.toThrow(RangeError);
      await expect(createTracker({ runtime, model: withFast, sampleFirstMaxPoints: bad })).rejects.toThrow(
        /^createTracker: options\.sampleFirstMaxPoints must be a non-negative integer point count or Infinity/,
      );
    }
    await expect(createGraphRunner(runtime, withFast, undefined, { sampleFirstMaxPoints: '64' as never })).rejects.toThrow(TypeError);
    await expect(createGraphRunner(runtime, withFast, undefined, { sampleFirstMaxPoints: '64' as never })).rejects.toThrow(
      /createGraphRunner: options\.sampleFirstMaxPoints must be .*, got/,
    );
    await expect(createGraphRunner(runtime, { ...model, decoderWindowSampleFirst: [1, 2] as never })).rejects.toThrow(
      /model\.decoderWindowSampleFirst must be ONNX bytes/,
    );
    const tracker = await createTracker({ runtime, model: withFast, sampleFirstMaxPoints: 0 });
    await tracker.release();
  });
});
