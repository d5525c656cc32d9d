// SPDX-License-Identifier: Apache-2.0
import type { TaptrConfig } from '@taptr/model';
import type { ModelSession, ModelSessionOptions, RuntimeAdapter } from '@taptr/runtime';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import type { DecoderWindowInput, DecoderWindowOutput, EncodedFrames, TaptrGraphRunner } from './graph-runner.js';
import { WINDOW_SIZE, WINDOW_STRIDE } from './window-schedule.js';

/**
 * A TAPTR model as the tracker loads it: the configuration and the three ONNX graphs of spec §13
 * (as produced by `@taptr/model`'s graph builder or read from a converted model folder).
 */
export interface TaptrModel {
  readonly config: TaptrConfig;
  /** G1 `frame_encoder`: image `[B, 3, R, R]` -> memory `[B, S, C]`. */
  readonly frameEncoder: Uint8Array;
  /** G2 `query_init`: memory `[1, S, C]`, xy_norm `[N, 2]` -> content `[N, C]`, ref_unsig `[N, 4]`. */
  readonly queryInit: Uint8Array;
  /** G3 `decoder_window`: see {@link DecoderWindowInput}. */
  readonly decoderWindow: Uint8Array;
}

function outputOf(graph: string, outputs: Record<string, { readonly data: unknown; readonly dims: readonly number[] }>, name: string): { data: Float32Array; dims: readonly number[] } {
  const t = outputs[name];
  if (t === undefined || !(t.data instanceof Float32Array)) {
    throw new TaptrError('TAPTR_MODEL_IO_MISMATCH', `${graph}: expected a float32 output "${name}", got ${describeValue(t)} (outputs: ${Object.keys(outputs).join(', ')})`);
  }
  return { data: t.data, dims: t.dims };
}

/**
 * Loads the three graphs of `model` into sessions of `runtime` and exposes them as
 * {@link TaptrGraphRunner}. Graph inputs and outputs are named as in spec §13.
 * @throws RangeError when the model's window configuration is not the official size 8 / stride 4.
 */
export async function createGraphRunner(runtime: RuntimeAdapter, model: TaptrModel, sessionOptions?: ModelSessionOptions): Promise<TaptrGraphRunner> {
  const { config } = model;
  if (config.slidingWindowSize !== WINDOW_SIZE || config.slidingWindowStride !== WINDOW_STRIDE) {
    throw invalidArgument('range', 'createTracker', 'model.config', `sliding windows of size ${WINDOW_SIZE} and stride ${WINDOW_STRIDE}`, `${config.slidingWindowSize} / ${config.slidingWindowStride}`);
  }
  for (const key of ['frameEncoder', 'queryInit', 'decoderWindow'] as const) {
    if (!(model[key] instanceof Uint8Array)) throw invalidArgument('type', 'createTracker', `model.${key}`, 'ONNX bytes (Uint8Array)', describeValue(model[key]));
  }
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
  const R = config.resolution;
  const { tensors } = runtime;
  let tokens = 0;
  const C = config.hiddenDim;
  let windowMemory: Float32Array | undefined;

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
    async decodeWindow(input: DecoderWindowInput): Promise<DecoderWindowOutput> {
      const K = input.memory.length;
      const n = input.points;
      const s = tokens || input.memory[0]!.length / C;
      if (windowMemory === undefined || windowMemory.length !== K * s * C) windowMemory = new Float32Array(K * s * C);
      input.memory.forEach((m, k) => windowMemory!.set(m, k * s * C));
      const out = await decoder.run({
        memory: tensors.tensor('float32', windowMemory, [K, s, C]),
        content: tensors.tensor('float32', input.content, [K, n, C]),
        ref_unsig: tensors.tensor('float32', input.refUnsig, [K, n, 4]),
        track_mask: tensors.tensor('bool', input.trackMask, [n, K]),
        update_mask: tensors.tensor('bool', input.updateMask, [n, K]),
        init_content: tensors.tensor('float32', input.initContent, [K, n, C]),
      });
      return {
        refUnsigOut: outputOf('decoder_window', out, 'ref_unsig_out').data,
        visLogits: outputOf('decoder_window', out, 'vis_logits').data,
        contentOut: outputOf('decoder_window', out, 'content_out').data,
      };
    },
    async release() {
      windowMemory = undefined;
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}
