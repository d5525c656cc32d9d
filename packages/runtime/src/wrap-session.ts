// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { checkFeeds, ModelIoMismatchError, type ModelInputSpec } from './model-io.js';
import type { ModelSession } from './runtime-adapter.js';

/** The part of an onnxruntime `InferenceSession` that {@link wrapInferenceSession} uses. */
export type InferenceSessionLike = Pick<InferenceSession, 'inputNames' | 'outputNames' | 'run' | 'release'> &
  Partial<Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>>;

/**
 * Reads input specs from an onnxruntime session: names always; type and shape when the runtime reports
 * them (an empty shape means unknown and is not checked).
 */
export function inputSpecsOf(session: InferenceSessionLike): ModelInputSpec[] {
  return specsOf(session.inputNames, session.inputMetadata);
}

/** Like {@link inputSpecsOf}, for the outputs. */
function outputSpecsOf(session: InferenceSessionLike): ModelInputSpec[] {
  return specsOf(session.outputNames, session.outputMetadata);
}

function specsOf(names: readonly string[], metadata: InferenceSessionLike['inputMetadata']): ModelInputSpec[] {
  return names.map((name, i) => {
    const meta = metadata?.[i];
    if (meta?.name !== name || !meta.isTensor) return { name };
    // onnxruntime reports an unknown shape as [] (like a scalar): only non-empty shapes are checked.
    if (meta.shape.length === 0) return { name, type: meta.type };
    return { name, type: meta.type, shape: meta.shape.map((d) => (typeof d === 'number' && d < 0 ? null : d)) };
  });
}

/** Options of {@link wrapInferenceSession}. */
export interface WrapSessionOptions {
  /**
   * True when the runtime writes pre-allocated outputs (onnxruntime `fetches`) into the given tensors'
   * data (onnxruntime-node 1.30 does, and also returns a copy): they are passed as fetches. False
   * (default): the session runs as usual and the wrapper copies those outputs into the given tensors
   * (onnxruntime-web 1.30's wasm backend returns a pre-allocated CPU tensor unwritten).
   */
  readonly writesOutputsInPlace?: boolean;
}

/**
 * Adapts an onnxruntime `InferenceSession` (node or web) to {@link ModelSession}: feeds are
 * validated with {@link checkFeeds} first, pre-allocated outputs end up in the given tensors (as
 * onnxruntime `fetches` or copied, see {@link WrapSessionOptions}), `release` is
 * idempotent and `run` after it fails.
 * @param label - model label used in error messages.
 */
export function wrapInferenceSession(session: InferenceSessionLike, label: string, options: WrapSessionOptions = {}): ModelSession {
  const specs = inputSpecsOf(session);
  const outputNames = Object.freeze([...session.outputNames]);
  const hasMetadata = session.inputMetadata !== undefined && session.outputMetadata !== undefined;
  let released = false;
  let pending: Promise<void> | undefined;
  return {
    inputNames: Object.freeze([...session.inputNames]),
    outputNames,
    ...(hasMetadata ? { inputSpecs: Object.freeze(specs), outputSpecs: Object.freeze(outputSpecsOf(session)) } : {}),
    async run(feeds: Readonly<Record<string, Tensor>>, outputs?: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
      if (released) throw new TaptrError('TAPTR_INVALID_ARGUMENT', `${label}: run() called after release()`);
      checkFeeds(label, specs, feeds);
      if (outputs === undefined) return await session.run(feeds);
      const unknown = Object.keys(outputs).filter((name) => !outputNames.includes(name));
      if (unknown.length > 0) {
        throw new ModelIoMismatchError(
          `${label}: pre-allocated output ${unknown.map((n) => JSON.stringify(n)).join(', ')} is not an output of the model (outputs: ${outputNames.map((n) => JSON.stringify(n)).join(', ')})`,
          {
            expected: outputNames,
            missing: [],
            unexpected: unknown,
          },
        );
      }
      // GPU outputs are always given to the runtime (it writes them on the device).
      const onGpu = Object.entries(outputs).filter(([, t]) => t.location === 'gpu-buffer');
      if (!options.writesOutputsInPlace) {
        // onnxruntime-web 1.30 (wasm) returns a pre-allocated CPU tensor without writing into it: run
        // as usual and copy.
        const gpuFetches: Record<string, Tensor | null> = {};
        if (onGpu.length > 0) for (const name of outputNames) gpuFetches[name] = outputs[name]?.location === 'gpu-buffer' ? outputs[name] : null;
        const out = await (onGpu.length > 0 ? session.run(feeds, gpuFetches) : session.run(feeds));
        for (const [name, given] of Object.entries(outputs)) {
          if (given.location === 'gpu-buffer') continue;
          const produced = out[name]!;
          if (produced.type !== given.type || produced.dims.join(',') !== given.dims.join(',')) {
            throw new ModelIoMismatchError(
              `${label}: output ${JSON.stringify(name)} is ${produced.type} [${produced.dims.join(', ')}], the pre-allocated tensor ${given.type} [${given.dims.join(', ')}]`,
              {
                expected: outputNames,
                missing: [],
                unexpected: [],
              },
            );
          }
          (given.data as Float32Array).set(produced.data as Float32Array);
        }
        return out;
      }
      const fetches: Record<string, Tensor | null> = {};
      for (const name of outputNames) fetches[name] = outputs[name] ?? null;
      const out = await session.run(feeds, fetches);
      return out;
    },
    release(): Promise<void> {
      if (!released) {
        released = true;
        pending = session.release();
      }
      return pending ?? Promise.resolve();
    },
  };
}
