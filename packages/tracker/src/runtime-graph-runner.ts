// SPDX-License-Identifier: Apache-2.0
import { memoryTokens, type GraphSignature, type TaptrGraphs } from '@taptr/model/format';
import type { GpuBuffer, GpuTensors, ModelSession, ModelSessionOptions, RuntimeAdapter } from '@taptr/runtime';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import { chooseDecoderPath, resolveSampleFirstMaxPoints, type DecoderPath } from './decoder-path.js';
import type { DecoderWindowInput, DecoderWindowOutput, GpuFloats, MemoryStorage, MemoryView, TaptrGraphRunner } from './graph-runner.js';
import { WINDOW_SIZE, WINDOW_STRIDE } from './window-schedule.js';

/** Options of {@link createGraphRunner} (and of `createTracker` with a runtime and a model). */
export interface GraphRunnerOptions {
  /**
   * Windows of at most this many points run `model.decoderWindowSampleFirst` (when the model has it),
   * larger ones `model.decoderWindow`; the choice is made per window. Each decoder session is created
   * at the first window that needs it, so a tracker that only decodes few points never holds the
   * project-first decoder (≈ 55 MB of weights plus its arena on the released configuration) and one
   * that only decodes many never holds the sample-first one. `0` = never, `Infinity` = always. Defaults to
   * {@link DEFAULT_SAMPLE_FIRST_MAX_POINTS} (64): on the released configuration the sample-first path is
   * 7.2x faster at N = 16 and 2.5x at N = 64, and its gathers hold K·N·M·L·P·4·C floats per layer
   * (≈ 270 MB at N = 64).
   */
  readonly sampleFirstMaxPoints?: number;
  /**
   * Keep the encoder memory on the GPU when the runtime offers GPU tensors (`runtime.gpuTensors`,
   * onnxruntime-web WebGPU): the tracker's memory ring is then a GPU buffer the encoder writes and the
   * decoder reads without a trip through the host. Default true; false keeps it in host memory.
   */
  readonly memoryOnGpu?: boolean;
}

/** {@link TaptrGraphRunner} over a runtime adapter, with the decoder-path choice exposed. */
export interface RuntimeGraphRunner extends TaptrGraphRunner {
  /** The decoder path `decodeWindow` takes for a window of `points` points. */
  decoderPath(points: number): DecoderPath;
  /**
   * Decodes one window on the given path whatever its point count (benchmarks, comparisons).
   * @throws RangeError for `'sample-first'` when the model has no `decoderWindowSampleFirst`.
   */
  decodeWindowOn(path: DecoderPath, input: DecoderWindowInput, output: DecoderWindowOutput): Promise<void>;
}

type GraphKey = 'frameEncoder' | 'queryInit' | 'decoderWindow' | 'decoderWindowSampleFirst';
type ValueType = 'float32' | 'bool';

/** What the runner feeds to and reads from each graph (spec §13): input names and types, outputs read (float32). */
interface GraphIo {
  /** Graph name in messages. */
  readonly graph: string;
  /** What the graph is, in messages. */
  readonly role: string;
  readonly inputs: Readonly<Record<string, ValueType>>;
  readonly outputs: readonly string[];
}

const DECODER_INPUTS: Readonly<Record<string, ValueType>> = {
  memory: 'float32',
  content: 'float32',
  ref_unsig: 'float32',
  track_mask: 'bool',
  update_mask: 'bool',
  init_content: 'float32',
};
const DECODER_OUTPUTS = ['ref_unsig_out', 'vis_logits', 'content_out'] as const;

const GRAPH_IO: Readonly<Record<GraphKey, GraphIo>> = {
  frameEncoder: { graph: 'frame_encoder', role: 'frame encoder', inputs: { image: 'float32' }, outputs: ['memory'] },
  queryInit: { graph: 'query_init', role: 'query init', inputs: { memory: 'float32', xy_norm: 'float32' }, outputs: ['content'] },
  decoderWindow: { graph: 'decoder_window', role: 'decoder window', inputs: DECODER_INPUTS, outputs: DECODER_OUTPUTS },
  decoderWindowSampleFirst: { graph: 'decoder_window (sample-first)', role: 'decoder window', inputs: DECODER_INPUTS, outputs: DECODER_OUTPUTS },
};

/** A declared input or output; `type` undefined when the source does not say. */
interface DeclaredValue {
  readonly name: string;
  readonly type?: string | undefined;
}

/**
 * Checks a graph's declared inputs and outputs (from `model.json` through `model.signatures`, or from
 * the runtime session: names, and types where onnxruntime reports them) against what the runner
 * feeds and reads: exactly the inputs of {@link GRAPH_IO}, at least its outputs, float32 / bool.
 * @throws TaptrError `TAPTR_MODEL_IO_MISMATCH` naming the graph, where the signature comes from, and what differs.
 */
function checkGraphIo(key: GraphKey, inputs: readonly DeclaredValue[], outputs: readonly DeclaredValue[], source: string): void {
  const io = GRAPH_IO[key];
  const declaredIn = new Map(inputs.map((v) => [v.name, v.type]));
  const declaredOut = new Map(outputs.map((v) => [v.name, v.type]));
  const expected = Object.entries(io.inputs);
  const typeOk = (declared: string | undefined, type: ValueType): boolean => declared === undefined || declared === type;
  const inputsOk = declaredIn.size === expected.length && expected.every(([name, type]) => declaredIn.has(name) && typeOk(declaredIn.get(name), type));
  const outputsOk = io.outputs.every((name) => declaredOut.has(name) && typeOk(declaredOut.get(name), 'float32'));
  if (inputsOk && outputsOk) return;
  const list = (values: readonly DeclaredValue[]): string => values.map((v) => (v.type === undefined ? v.name : `${v.name} ${v.type}`)).join(', ') || 'none';
  throw new TaptrError(
    'TAPTR_MODEL_IO_MISMATCH',
    `createTracker: model.${key} (${io.graph}) must declare the ${io.role} inputs (${expected.map(([n, t]) => `${n} ${t}`).join(', ')}) and float32 outputs (${io.outputs.join(', ')}), ` +
      `${source} declares inputs (${list(inputs)}) and outputs (${list(outputs)})`,
  );
}

/** Checks a created session's inputs and outputs (names; types when the runtime reports them). */
function checkSession(key: GraphKey, session: ModelSession): void {
  const declared = (names: readonly string[], specs: ModelSession['inputSpecs']): DeclaredValue[] =>
    names.map((name, i) => ({ name, type: specs?.[i]?.name === name ? specs[i].type : undefined }));
  checkGraphIo(key, declared(session.inputNames, session.inputSpecs), declared(session.outputNames, session.outputSpecs), 'its session');
}

function checkSignature(key: GraphKey, signature: GraphSignature): void {
  checkGraphIo(key, signature.inputs, signature.outputs, 'model.json');
}

/** A failed session creation, reported naming the graph (the adapter's code kept; `TAPTR_IO` for an untyped failure). */
function sessionError(graph: string, error: unknown): unknown {
  if (error instanceof TypeError || error instanceof RangeError) return error;
  if (error instanceof TaptrError && error.code === 'TAPTR_MODEL_IO_MISMATCH') return error;
  const message = `createGraphRunner: cannot create the ${graph} session: ${error instanceof Error ? error.message : String(error)}`;
  return new TaptrError(error instanceof TaptrError ? error.code : 'TAPTR_IO', message, { cause: error });
}

/** One graph's session, created at the first {@link LazySession.get}. */
interface LazySession {
  /** The session, created now if needed; a failed creation rejects this call and is retried by the next. */
  get(): Promise<ModelSession>;
  /** Releases the session if it was created (waiting for a creation under way); `get` fails afterwards. */
  release(): Promise<void>;
}

function lazySession(graph: string, createSession: () => Promise<ModelSession>): LazySession {
  // Dropped once the session exists: the graph's bytes are then referenced by the caller only.
  let create: (() => Promise<ModelSession>) | undefined = createSession;
  let pending: Promise<ModelSession> | undefined;
  let released = false;
  return {
    get() {
      if (released) return Promise.reject(new TaptrError('TAPTR_INVALID_ARGUMENT', `${graph}: the graph runner was released`));
      if (pending === undefined) {
        const created = create!().then(
          (session) => {
            create = undefined;
            return session;
          },
          (error: unknown) => {
            if (pending === created) pending = undefined; // reported by the window that asked, retried by the next
            throw sessionError(graph, error);
          },
        );
        pending = created;
      }
      return pending;
    },
    async release() {
      released = true;
      create = undefined;
      const created = pending;
      pending = undefined;
      await created?.then(
        (s) => s.release(),
        () => undefined,
      );
    },
  };
}

function hostMemory(fn: string, memory: MemoryView, floats: number): Float32Array {
  if (!(memory instanceof Float32Array) || memory.length !== floats) {
    throw invalidArgument('type', fn, 'memory', `${floats} host floats (Float32Array)`, describeValue(memory));
  }
  return memory;
}

/**
 * The runner's memory on the GPU: ring storage in GPU buffers (views are regions of them), and one
 * buffer per graph input / output that a region cannot be given as (onnxruntime takes whole buffers):
 * the encoder's output, a window's memory and the query frame's memory, each allocated once and
 * filled by a copy on the device.
 */
interface GpuMemory {
  allocate(floats: number): MemoryStorage;
  /** A whole buffer of `floats` floats for `role`, allocated at the first call (again when the size changes). */
  staging(role: 'encoder' | 'window' | 'query', floats: number): GpuBuffer;
  release(): void;
}

function gpuMemory(gpu: GpuTensors): GpuMemory {
  const owned = new Set<GpuBuffer>();
  const staged = new Map<string, { buffer: GpuBuffer; floats: number }>();
  const create = (floats: number): GpuBuffer => {
    const buffer = gpu.createBuffer(floats);
    owned.add(buffer);
    return buffer;
  };
  return {
    allocate(floats) {
      const buffer = create(floats);
      return {
        length: floats,
        subarray: (begin, end): GpuFloats => ({ location: 'gpu-buffer', buffer, offset: begin, length: end - begin }),
        copyWithin: (target, start, end) => gpu.copy(buffer, start, buffer, target, end - start),
        set(source, offset) {
          if (source instanceof Float32Array) gpu.write(buffer, offset, source);
          else gpu.copy(source.buffer, source.offset, buffer, offset, source.length);
        },
      };
    },
    staging(role, floats) {
      let entry = staged.get(role);
      if (entry?.floats !== floats) {
        if (entry !== undefined) {
          gpu.destroy(entry.buffer);
          owned.delete(entry.buffer);
        }
        entry = { buffer: create(floats), floats };
        staged.set(role, entry);
      }
      return entry.buffer;
    },
    release() {
      for (const buffer of owned) gpu.destroy(buffer);
      owned.clear();
      staged.clear();
    },
  };
}

/**
 * Loads the graphs of `model` into sessions of `runtime` and exposes them as {@link TaptrGraphRunner}.
 * Graph inputs and outputs are named as in spec §13. The encoder and query sessions are created now.
 * Each decoder session is created at the first window that runs on it (see {@link GraphRunnerOptions}),
 * so a tracker that only decodes few points never holds the `'project-first'` decoder and one that
 * only decodes many never holds the `'sample-first'` one; a failed creation is reported by that window
 * (naming the graph) and retried by the next. A model without `decoderWindowSampleFirst`, or
 * `sampleFirstMaxPoints: 0`, runs every window on `decoderWindow`, whose session is then created now.
 *
 * Graph signatures are never decoded from the ONNX bytes: the declared inputs and outputs listed in
 * `model.signatures` (from `model.json`) are checked now, before any session exists, and every
 * session's own inputs and outputs (names, and types where the runtime reports them) when it is
 * created, so model folders converted before `model.json` listed signatures still load.
 *
 * Buffers: the encoder writes into the caller's memory view (onnxruntime's pre-allocated output),
 * windows are fed the caller's `[K, S, C]` memory view as is, and window outputs are written into the
 * caller's arrays: no run allocates a large array on the JavaScript side. On a runtime with GPU tensors
 * (onnxruntime-web WebGPU) the runner offers `allocateMemory`: the tracker's memory ring is then a GPU
 * buffer, and memory goes from the encoder to the decoder without leaving the device (copied there
 * into the one buffer each graph input is given; see {@link GraphRunnerOptions.memoryOnGpu}).
 * @throws RangeError when the model's window configuration is not the official size 8 / stride 4, or
 *   for a bad `options.sampleFirstMaxPoints`; TypeError when a graph is not ONNX bytes.
 * @throws TaptrError `TAPTR_MODEL_IO_MISMATCH` when a graph's declared inputs or outputs are not those the
 *   runner feeds and reads, `TAPTR_IO` when a session cannot be created (each naming the graph).
 */
export async function createGraphRunner(
  runtime: RuntimeAdapter,
  model: TaptrGraphs,
  sessionOptions?: ModelSessionOptions,
  options: GraphRunnerOptions = {},
): Promise<RuntimeGraphRunner> {
  const { config } = model;
  if (config.slidingWindowSize !== WINDOW_SIZE || config.slidingWindowStride !== WINDOW_STRIDE) {
    throw invalidArgument(
      'range',
      'createTracker',
      'model.config',
      `sliding windows of size ${WINDOW_SIZE} and stride ${WINDOW_STRIDE}`,
      `${config.slidingWindowSize} / ${config.slidingWindowStride}`,
    );
  }
  for (const key of ['frameEncoder', 'queryInit', 'decoderWindow'] as const) {
    if (!(model[key] instanceof Uint8Array))
      throw invalidArgument('type', 'createTracker', `model.${key}`, 'ONNX bytes (Uint8Array)', describeValue(model[key]));
  }
  const fastGraph = model.decoderWindowSampleFirst;
  const hasSampleFirst = fastGraph !== undefined;
  if (fastGraph !== undefined && !(fastGraph instanceof Uint8Array)) {
    throw invalidArgument('type', 'createTracker', 'model.decoderWindowSampleFirst', 'ONNX bytes (Uint8Array) or undefined', describeValue(fastGraph));
  }
  const sampleFirstMaxPoints = resolveSampleFirstMaxPoints('createGraphRunner', options?.sampleFirstMaxPoints);
  // Declared signatures first: a model.json that lists other inputs or outputs fails before any session exists.
  const keys: GraphKey[] = ['frameEncoder', 'queryInit', 'decoderWindow', ...(hasSampleFirst ? (['decoderWindowSampleFirst'] as const) : [])];
  for (const key of keys) {
    const signature = model.signatures?.[key];
    if (signature !== undefined) checkSignature(key, signature);
  }
  // Without a usable sample-first decoder every window needs the project-first one: create it now.
  const eagerDecoder = fastGraph === undefined || sampleFirstMaxPoints === 0;
  const create = (key: GraphKey, bytes: Uint8Array) => async (): Promise<ModelSession> => {
    const session = await runtime.createSession(bytes, sessionOptions);
    try {
      checkSession(key, session);
    } catch (error) {
      await session.release();
      throw error;
    }
    return session;
  };
  const eager: [GraphKey, Uint8Array][] = [
    ['frameEncoder', model.frameEncoder],
    ['queryInit', model.queryInit],
    ...(eagerDecoder ? ([['decoderWindow', model.decoderWindow]] as [GraphKey, Uint8Array][]) : []),
  ];
  const sessions: ModelSession[] = [];
  for (const [key, bytes] of eager) {
    try {
      sessions.push(await create(key, bytes)());
    } catch (error) {
      await Promise.all(sessions.map((s) => s.release()));
      throw sessionError(GRAPH_IO[key].graph, error);
    }
  }
  const [encoder, queryInit, eagerProjectFirst] = sessions as [ModelSession, ModelSession, ModelSession | undefined];
  // The device exists once the adapter has a session: memory stays on it unless asked otherwise.
  const gpuTensors = options.memoryOnGpu === false || runtime.gpuTensors === undefined ? undefined : await runtime.gpuTensors().catch(() => undefined);
  const gpu = gpuTensors === undefined ? undefined : { tensors: gpuTensors, memory: gpuMemory(gpuTensors) };
  // The runner keeps only what it still needs: each decoder's bytes until its session exists.
  const decoders: Record<DecoderPath, LazySession> = {
    'project-first':
      eagerProjectFirst === undefined
        ? lazySession(GRAPH_IO.decoderWindow.graph, create('decoderWindow', model.decoderWindow))
        : { get: () => Promise.resolve(eagerProjectFirst), release: () => eagerProjectFirst.release() },
    'sample-first': hasSampleFirst
      ? lazySession(GRAPH_IO.decoderWindowSampleFirst.graph, create('decoderWindowSampleFirst', fastGraph))
      : lazySession(GRAPH_IO.decoderWindowSampleFirst.graph, () => Promise.reject(new RangeError('no sample-first decoder'))),
  };
  const decoderPath = (points: number): DecoderPath => chooseDecoderPath(points, sampleFirstMaxPoints, hasSampleFirst);
  const R = config.resolution;
  const { tensors } = runtime;
  const C = config.hiddenDim;
  const S = memoryTokens(config);
  const K = WINDOW_SIZE;

  /**
   * The tensor of a `[dims]` memory view: host floats as they are; a GPU region copied (on the device)
   * into the whole buffer onnxruntime is given for `role`.
   */
  const memoryTensor = (fn: string, view: MemoryView, dims: readonly number[], role: 'window' | 'query') => {
    const floats = dims.reduce((a, b) => a * b, 1);
    if (view instanceof Float32Array || gpu === undefined) return tensors.tensor('float32', hostMemory(fn, view, floats), dims);
    if (view.length !== floats) throw invalidArgument('range', fn, 'memory', `${floats} floats`, String(view.length));
    const buffer = gpu.memory.staging(role, floats);
    gpu.tensors.copy(view.buffer, view.offset, buffer, 0, floats);
    return gpu.tensors.tensor(buffer, dims);
  };

  const decodeOn = async (path: DecoderPath, input: DecoderWindowInput, output: DecoderWindowOutput): Promise<void> => {
    const session = await decoders[path].get();
    const n = input.points;
    // The outputs land in the caller's arrays (pre-allocated outputs): nothing to copy back.
    await session.run(
      {
        memory: memoryTensor('decodeWindow', input.memory, [K, S, C], 'window'),
        content: tensors.tensor('float32', input.content, [K, n, C]),
        ref_unsig: tensors.tensor('float32', input.refUnsig, [K, n, 4]),
        track_mask: tensors.tensor('bool', input.trackMask, [n, K]),
        update_mask: tensors.tensor('bool', input.updateMask, [n, K]),
        init_content: tensors.tensor('float32', input.initContent, [K, n, C]),
      },
      {
        ref_unsig_out: tensors.tensor('float32', output.refUnsigOut, [K, n, 4]),
        vis_logits: tensors.tensor('float32', output.visLogits, [K, n, 3]),
        content_out: tensors.tensor('float32', output.contentOut, [K, n, C]),
      },
    );
  };

  return {
    resolution: R,
    tokens: S,
    channels: C,
    copiesInputs: true,
    ...(gpu === undefined ? {} : { allocateMemory: (floats: number) => gpu.memory.allocate(floats) }),
    async encodeFrames(images, count, target) {
      const image = tensors.tensor('float32', images, [count, 3, R, R]);
      if (target instanceof Float32Array || gpu === undefined) {
        // Written straight into the caller's buffer (the tracker's memory ring).
        await encoder.run({ image }, { memory: tensors.tensor('float32', hostMemory('encodeFrames', target, count * S * C), [count, S, C]) });
        return;
      }
      // On the GPU: written into the encoder's output buffer, then copied into the ring's slot on the device.
      if (target.length !== count * S * C) throw invalidArgument('range', 'encodeFrames', 'memory', `${count * S * C} floats`, String(target.length));
      const out = gpu.memory.staging('encoder', count * S * C);
      await encoder.run({ image }, { memory: gpu.tensors.tensor(out, [count, S, C]) });
      gpu.tensors.copy(out, 0, target.buffer, target.offset, count * S * C);
    },
    async initQueries(memory, xyNorm, count) {
      const out = await queryInit.run({
        memory: memoryTensor('initQueries', memory, [1, S, C], 'query'),
        xy_norm: tensors.tensor('float32', xyNorm, [count, 2]),
      });
      const content = out['content'];
      if (content === undefined || !(content.data instanceof Float32Array) || content.data.length !== count * C) {
        throw new TaptrError('TAPTR_MODEL_IO_MISMATCH', `query_init: expected a float32 output "content" [${count}, ${C}], got ${describeValue(content)}`);
      }
      return content.data;
    },
    decoderPath,
    decodeWindow(input, output) {
      return decodeOn(decoderPath(input.points), input, output);
    },
    async decodeWindowOn(path, input, output) {
      if (path !== 'sample-first' && path !== 'project-first')
        throw invalidArgument('range', 'decodeWindowOn', 'path', "'sample-first' or 'project-first'", describeValue(path));
      if (path === 'sample-first' && !hasSampleFirst) {
        throw invalidArgument(
          'range',
          'decodeWindowOn',
          'path',
          "a decoder the model has ('sample-first' needs model.decoderWindowSampleFirst)",
          "'sample-first'",
        );
      }
      return decodeOn(path, input, output);
    },
    async release() {
      await Promise.all([encoder.release(), queryInit.release(), decoders['project-first'].release(), decoders['sample-first'].release()]);
      gpu?.memory.release();
    },
  };
}
