// SPDX-License-Identifier: Apache-2.0
import type { TaptrConfig } from '@taptr/model';
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
   * larger ones `model.decoderWindow`; the choice is made per window. The sample-first session is
   * created at the first window that needs it, so a tracker that never decodes few points never holds
   * a second decoder session. `0` = never, `Infinity` = always. Defaults to
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

function outputOf(graph: string, outputs: Record<string, { readonly data: unknown; readonly dims: readonly number[] }>, name: string): { data: Float32Array; dims: readonly number[] } {
  const t = outputs[name];
  if (t === undefined || !(t.data instanceof Float32Array)) {
    throw new TaptrError('TAPTR_MODEL_IO_MISMATCH', `${graph}: expected a float32 output "${name}", got ${describeValue(t)} (outputs: ${Object.keys(outputs).join(', ')})`);
  }
  return { data: t.data, dims: t.dims };
}

/**
 * Loads the graphs of `model` into sessions of `runtime` and exposes them as {@link TaptrGraphRunner}.
 * Graph inputs and outputs are named as in spec §13. The encoder, query and `'project-first'` decoder
 * sessions are created now; the `'sample-first'` decoder session at the first window of at most
 * `options.sampleFirstMaxPoints` points (see {@link GraphRunnerOptions}).
 * @throws RangeError when the model's window configuration is not the official size 8 / stride 4, or
 *   for a bad `options.sampleFirstMaxPoints`; TypeError when a graph is not ONNX bytes.
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
  if (fastGraph !== undefined && !(fastGraph instanceof Uint8Array)) {
    throw invalidArgument('type', 'createTracker', 'model.decoderWindowSampleFirst', 'ONNX bytes (Uint8Array) or undefined', describeValue(fastGraph));
  }
  const sampleFirstMaxPoints = resolveSampleFirstMaxPoints('createGraphRunner', options?.sampleFirstMaxPoints);
  const sessions: ModelSession[] = [];
  try {
    sessions.push(await runtime.createSession(model.frameEncoder, sessionOptions));
    sessions.push(await runtime.createSession(model.queryInit, sessionOptions));
    sessions.push(await runtime.createSession(model.decoderWindow, sessionOptions));
  } catch (error) {
    await Promise.all(sessions.map((s) => s.release()));
    throw error;
  }
  const [encoder, queryInit, decoder] = sessions as [ModelSession, ModelSession, ModelSession];
  // The sample-first decoder session, created on first use (a second decoder-sized session).
  let fastDecoder: Promise<ModelSession> | undefined;
  const sampleFirstSession = (): Promise<ModelSession> => {
    if (fastDecoder === undefined) {
      fastDecoder = runtime.createSession(fastGraph!, sessionOptions);
      fastDecoder.catch(() => (fastDecoder = undefined)); // a failed creation is reported by the window that asked, and retried by the next
    }
    return fastDecoder;
  };
  const decoderPath = (points: number): DecoderPath => chooseDecoderPath(points, sampleFirstMaxPoints, fastGraph !== undefined);
  const R = config.resolution;
  const { tensors } = runtime;
  let tokens = 0;
  const C = config.hiddenDim;
  let windowMemory: Float32Array | undefined;

  const decodeOn = async (path: DecoderPath, input: DecoderWindowInput): Promise<DecoderWindowOutput> => {
    const session = path === 'sample-first' ? await sampleFirstSession() : decoder;
    const K = input.memory.length;
    const n = input.points;
    const s = tokens || input.memory[0]!.length / C;
    if (windowMemory === undefined || windowMemory.length !== K * s * C) windowMemory = new Float32Array(K * s * C);
    input.memory.forEach((m, k) => windowMemory!.set(m, k * s * C));
    const out = await session.run({
      memory: tensors.tensor('float32', windowMemory, [K, s, C]),
      content: tensors.tensor('float32', input.content, [K, n, C]),
      ref_unsig: tensors.tensor('float32', input.refUnsig, [K, n, 4]),
      track_mask: tensors.tensor('bool', input.trackMask, [n, K]),
      update_mask: tensors.tensor('bool', input.updateMask, [n, K]),
      init_content: tensors.tensor('float32', input.initContent, [K, n, C]),
    });
    const graph = path === 'sample-first' ? 'decoder_window (sample-first)' : 'decoder_window';
    return {
      refUnsigOut: outputOf(graph, out, 'ref_unsig_out').data,
      visLogits: outputOf(graph, out, 'vis_logits').data,
      contentOut: outputOf(graph, out, 'content_out').data,
    };
  };

  return {
    resolution: R,
    async encodeFrames(images, count): Promise<EncodedFrames> {
      const out = await encoder.run({ image: tensors.tensor('float32', images, [count, 3, R, R]) });
      const memory = outputOf('frame_encoder', out, 'memory');
      const [b, s, c] = memory.dims as [number, number, number];
      if (b !== count || c !== C) {
        throw new TaptrError('TAPTR_MODEL_IO_MISMATCH', `frame_encoder: memory must be [${count}, S, ${C}], got [${memory.dims.join(', ')}]`);
      }
      tokens = s;
      const memories: Float32Array[] = [];
      for (let i = 0; i < count; i++) memories.push(memory.data.subarray(i * s * c, (i + 1) * s * c));
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
      if (path === 'sample-first' && fastGraph === undefined) {
        throw invalidArgument('range', 'decodeWindowOn', 'path', "a decoder the model has ('sample-first' needs model.decoderWindowSampleFirst)", "'sample-first'");
      }
      return decodeOn(path, input);
    },
    async release() {
      windowMemory = undefined;
      const fast = fastDecoder;
      fastDecoder = undefined;
      const extra = fast === undefined ? [] : [fast.then((s) => s.release(), () => undefined)];
      await Promise.all([...sessions.map((s) => s.release()), ...extra]);
    },
  };
}
