// SPDX-License-Identifier: Apache-2.0
import { graphSignature, memoryTokens, type GraphSignature, type GraphValueInfo, type TaptrConfig } from '@taptr/model';
import type { ModelSession, ModelSessionOptions, RuntimeAdapter } from '@taptr/runtime';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import { chooseDecoderPath, resolveSampleFirstMaxPoints, type DecoderPath } from './decoder-path.js';
import type { DecoderWindowInput, DecoderWindowOutput, EncodedFrames, TaptrGraphRunner } from './graph-runner.js';
import { WINDOW_SIZE, WINDOW_STRIDE } from './window-schedule.js';

/**
 * A TAPTR model as the tracker loads it: the configuration and the three ONNX graphs of spec §13
 * (as produced by `@taptr/model`'s graph builder or read from a converted model folder), plus the
 * optional few-points decoder.
 */
export interface TaptrModel {
  readonly config: TaptrConfig;
  /** G1 `frame_encoder`: image `[B, 3, R, R]` -> memory `[B, S, C]`. */
  readonly frameEncoder: Uint8Array;
  /** G2 `query_init`: memory `[1, S, C]`, xy_norm `[N, 2]` -> content `[N, C]`, ref_unsig `[N, 4]`. */
  readonly queryInit: Uint8Array;
  /** G3 `decoder_window` (`'project-first'`, any N): see {@link DecoderWindowInput}. */
  readonly decoderWindow: Uint8Array;
  /**
   * G3 built `'sample-first'` (same inputs and outputs as `decoderWindow`): used for windows of at most
   * {@link GraphRunnerOptions.sampleFirstMaxPoints} points, see {@link DecoderPath}. Optional: without
   * it (model folders converted before it existed) every window runs `decoderWindow`.
   */
  readonly decoderWindowSampleFirst?: Uint8Array;
}

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
}

/** {@link TaptrGraphRunner} over a runtime adapter, with the decoder-path choice exposed. */
export interface RuntimeGraphRunner extends TaptrGraphRunner {
  /** The decoder path `decodeWindow` takes for a window of `points` points. */
  decoderPath(points: number): DecoderPath;
  /**
   * Decodes one window on the given path whatever its point count (benchmarks, comparisons).
   * @throws RangeError for `'sample-first'` when the model has no `decoderWindowSampleFirst`.
   */
  decodeWindowOn(path: DecoderPath, input: DecoderWindowInput): Promise<DecoderWindowOutput>;
}

/** Names of the two decoder graphs in messages. */
const PROJECT_FIRST_GRAPH = 'decoder_window';
const SAMPLE_FIRST_GRAPH = 'decoder_window (sample-first)';

function outputOf(graph: string, outputs: Record<string, { readonly data: unknown; readonly dims: readonly number[] }>, name: string): { data: Float32Array; dims: readonly number[] } {
  const t = outputs[name];
  if (t === undefined || !(t.data instanceof Float32Array)) {
    throw new TaptrError('TAPTR_MODEL_IO_MISMATCH', `${graph}: expected a float32 output "${name}", got ${describeValue(t)} (outputs: ${Object.keys(outputs).join(', ')})`);
  }
  return { data: t.data, dims: t.dims };
}

/** Inputs the runner feeds to a decoder window graph (spec §13 G3), with their element types. */
const DECODER_INPUTS: Readonly<Record<string, 'float32' | 'bool'>> = {
  memory: 'float32',
  content: 'float32',
  ref_unsig: 'float32',
  track_mask: 'bool',
  update_mask: 'bool',
  init_content: 'float32',
};
/** Outputs the runner reads from a decoder window graph (all float32). */
const DECODER_OUTPUTS = ['ref_unsig_out', 'vis_logits', 'content_out'] as const;

/**
 * Checks, without creating a session, that `bytes` is an ONNX model declaring the decoder window's
 * inputs and outputs: decoder sessions are created at the first window that needs them, so a bad
 * graph is reported by `createTracker` rather than in the middle of a run.
 * @throws TaptrError `TAPTR_IO` when the bytes are not a readable ONNX model, `TAPTR_MODEL_IO_MISMATCH`
 *   when its inputs or outputs are not those of a decoder window (naming the graph and what differs).
 */
function checkDecoderGraph(key: string, graph: string, bytes: Uint8Array): void {
  let signature: GraphSignature;
  try {
    signature = graphSignature(bytes);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `createTracker: model.${key} (${graph}) is not a readable ONNX model (${bytes.length} bytes): ${(error as Error).message}`, { cause: error });
  }
  const inputs = new Map(signature.inputs.map((v) => [v.name, v.type]));
  const outputs = new Map(signature.outputs.map((v) => [v.name, v.type]));
  const expected = Object.entries(DECODER_INPUTS);
  const inputsOk = inputs.size === expected.length && expected.every(([name, type]) => inputs.get(name) === type);
  const outputsOk = DECODER_OUTPUTS.every((name) => outputs.get(name) === 'float32');
  if (!inputsOk || !outputsOk) {
    const list = (values: readonly GraphValueInfo[]): string => values.map((v) => `${v.name} ${v.type}`).join(', ') || 'none';
    throw new TaptrError(
      'TAPTR_MODEL_IO_MISMATCH',
      `createTracker: model.${key} (${graph}) must declare the decoder window inputs (${expected.map(([n, t]) => `${n} ${t}`).join(', ')}) and float32 outputs (${DECODER_OUTPUTS.join(', ')}), got inputs (${list(signature.inputs)}) and outputs (${list(signature.outputs)})`,
    );
  }
}

/** A failed session creation, reported naming the graph (the adapter's code kept; `TAPTR_IO` for an untyped failure). */
function sessionError(graph: string, error: unknown): unknown {
  if (error instanceof TypeError || error instanceof RangeError) return error;
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
      await created?.then((s) => s.release(), () => undefined);
    },
  };
}

/**
 * Loads the graphs of `model` into sessions of `runtime` and exposes them as {@link TaptrGraphRunner}.
 * Graph inputs and outputs are named as in spec §13. The encoder and query sessions are created now.
 * Each decoder session is created at the first window that runs on it (see {@link GraphRunnerOptions}),
 * so a tracker that only decodes few points never holds the `'project-first'` decoder and one that
 * only decodes many never holds the `'sample-first'` one; a failed creation is reported by that window
 * (naming the graph) and retried by the next. The decoder graphs are checked up front (readable ONNX
 * with the decoder window's inputs and outputs). A model without `decoderWindowSampleFirst`, or
 * `sampleFirstMaxPoints: 0`, runs every window on `decoderWindow`, whose session is then created now.
 * @throws RangeError when the model's window configuration is not the official size 8 / stride 4, or
 *   for a bad `options.sampleFirstMaxPoints`; TypeError when a graph is not ONNX bytes.
 * @throws TaptrError `TAPTR_IO` when a decoder graph is not readable ONNX or a session cannot be
 *   created, `TAPTR_MODEL_IO_MISMATCH` when a decoder graph lacks the decoder window's inputs or outputs
 *   (each naming the graph).
 */
export async function createGraphRunner(runtime: RuntimeAdapter, model: TaptrModel, sessionOptions?: ModelSessionOptions, options: GraphRunnerOptions = {}): Promise<RuntimeGraphRunner> {
  const { config } = model;
  if (config.slidingWindowSize !== WINDOW_SIZE || config.slidingWindowStride !== WINDOW_STRIDE) {
    throw invalidArgument('range', 'createTracker', 'model.config', `sliding windows of size ${WINDOW_SIZE} and stride ${WINDOW_STRIDE}`, `${config.slidingWindowSize} / ${config.slidingWindowStride}`);
  }
  for (const key of ['frameEncoder', 'queryInit', 'decoderWindow'] as const) {
    if (!(model[key] instanceof Uint8Array)) throw invalidArgument('type', 'createTracker', `model.${key}`, 'ONNX bytes (Uint8Array)', describeValue(model[key]));
  }
  const fastGraph = model.decoderWindowSampleFirst;
  const hasSampleFirst = fastGraph !== undefined;
  if (fastGraph !== undefined && !(fastGraph instanceof Uint8Array)) {
    throw invalidArgument('type', 'createTracker', 'model.decoderWindowSampleFirst', 'ONNX bytes (Uint8Array) or undefined', describeValue(fastGraph));
  }
  const sampleFirstMaxPoints = resolveSampleFirstMaxPoints('createGraphRunner', options?.sampleFirstMaxPoints);
  // Without a usable sample-first decoder every window needs the project-first one: create it now.
  const eagerDecoder = fastGraph === undefined || sampleFirstMaxPoints === 0;
  if (fastGraph !== undefined) checkDecoderGraph('decoderWindowSampleFirst', SAMPLE_FIRST_GRAPH, fastGraph);
  if (!eagerDecoder) checkDecoderGraph('decoderWindow', PROJECT_FIRST_GRAPH, model.decoderWindow);
  const create = (bytes: Uint8Array) => (): Promise<ModelSession> => runtime.createSession(bytes, sessionOptions);
  const eager: [string, Uint8Array][] = [
    ['frame_encoder', model.frameEncoder],
    ['query_init', model.queryInit],
    ...(eagerDecoder ? ([[PROJECT_FIRST_GRAPH, model.decoderWindow]] as [string, Uint8Array][]) : []),
  ];
  const sessions: ModelSession[] = [];
  for (const [graph, bytes] of eager) {
    try {
      sessions.push(await create(bytes)());
    } catch (error) {
      await Promise.all(sessions.map((s) => s.release()));
      throw sessionError(graph, error);
    }
  }
  const [encoder, queryInit, eagerProjectFirst] = sessions as [ModelSession, ModelSession, ModelSession | undefined];
  // The runner keeps only what it still needs: each decoder's bytes until its session exists.
  const decoders: Record<DecoderPath, LazySession> = {
    'project-first':
      eagerProjectFirst === undefined
        ? lazySession(PROJECT_FIRST_GRAPH, create(model.decoderWindow))
        : { get: () => Promise.resolve(eagerProjectFirst), release: () => eagerProjectFirst.release() },
    'sample-first': hasSampleFirst ? lazySession(SAMPLE_FIRST_GRAPH, create(fastGraph)) : lazySession(SAMPLE_FIRST_GRAPH, () => Promise.reject(new RangeError('no sample-first decoder'))),
  };
  const decoderPath = (points: number): DecoderPath => chooseDecoderPath(points, sampleFirstMaxPoints, hasSampleFirst);
  const R = config.resolution;
  const { tensors } = runtime;
  const C = config.hiddenDim;
  const S = memoryTokens(config);
  // Used only when a window's memories are not given contiguous (allocated once).
  let windowMemory: Float32Array | undefined;

  const decodeOn = async (path: DecoderPath, input: DecoderWindowInput): Promise<DecoderWindowOutput> => {
    const session = await decoders[path].get();
    const K = input.memory.length;
    const n = input.points;
    let memory = input.window;
    if (memory === undefined || memory.length !== K * S * C) {
      if (windowMemory === undefined || windowMemory.length !== K * S * C) windowMemory = new Float32Array(K * S * C);
      const target = windowMemory;
      input.memory.forEach((m, k) => target.set(m, k * S * C));
      memory = target;
    }
    const out = await session.run({
      memory: tensors.tensor('float32', memory, [K, S, C]),
      content: tensors.tensor('float32', input.content, [K, n, C]),
      ref_unsig: tensors.tensor('float32', input.refUnsig, [K, n, 4]),
      track_mask: tensors.tensor('bool', input.trackMask, [n, K]),
      update_mask: tensors.tensor('bool', input.updateMask, [n, K]),
      init_content: tensors.tensor('float32', input.initContent, [K, n, C]),
    });
    const graph = path === 'sample-first' ? SAMPLE_FIRST_GRAPH : PROJECT_FIRST_GRAPH;
    return {
      refUnsigOut: outputOf(graph, out, 'ref_unsig_out').data,
      visLogits: outputOf(graph, out, 'vis_logits').data,
      contentOut: outputOf(graph, out, 'content_out').data,
    };
  };

  return {
    resolution: R,
    memoryFloats: S * C,
    copiesInputs: true,
    async encodeFrames(images, count, target): Promise<EncodedFrames> {
      const image = tensors.tensor('float32', images, [count, 3, R, R]);
      // Written straight into the caller's buffer (e.g. the tracker's memory ring) when it has the size.
      const into = target !== undefined && target.length === count * S * C ? target : undefined;
      const out = await encoder.run({ image }, into === undefined ? undefined : { memory: tensors.tensor('float32', into, [count, S, C]) });
      const memory = outputOf('frame_encoder', out, 'memory');
      const [b, s, c] = memory.dims as [number, number, number];
      if (b !== count || s !== S || c !== C) {
        throw new TaptrError('TAPTR_MODEL_IO_MISMATCH', `frame_encoder: memory must be [${count}, ${S}, ${C}], got [${memory.dims.join(', ')}]`);
      }
      const data = into ?? memory.data;
      const memories: Float32Array[] = [];
      for (let i = 0; i < count; i++) memories.push(data.subarray(i * s * c, (i + 1) * s * c));
      return { memories, tokens: s, channels: c };
    },
    async initQueries(memory, xyNorm, count) {
      const out = await queryInit.run({
        memory: tensors.tensor('float32', memory, [1, memory.length / C, C]),
        xy_norm: tensors.tensor('float32', xyNorm, [count, 2]),
      });
      return outputOf('query_init', out, 'content').data;
    },
    decoderPath,
    decodeWindow(input: DecoderWindowInput): Promise<DecoderWindowOutput> {
      return decodeOn(decoderPath(input.points), input);
    },
    async decodeWindowOn(path: DecoderPath, input: DecoderWindowInput): Promise<DecoderWindowOutput> {
      if (path !== 'sample-first' && path !== 'project-first') throw invalidArgument('range', 'decodeWindowOn', 'path', "'sample-first' or 'project-first'", describeValue(path));
      if (path === 'sample-first' && !hasSampleFirst) {
        throw invalidArgument('range', 'decodeWindowOn', 'path', "a decoder the model has ('sample-first' needs model.decoderWindowSampleFirst)", "'sample-first'");
      }
      return decodeOn(path, input);
    },
    async release() {
      windowMemory = undefined;
      await Promise.all([encoder.release(), queryInit.release(), decoders['project-first'].release(), decoders['sample-first'].release()]);
    },
  };
}
