// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { checkFeeds, type ModelInputSpec } from './model-io.js';
import type { ModelSession } from './runtime-adapter.js';

/** The part of an onnxruntime `InferenceSession` that {@link wrapInferenceSession} uses. */
export type InferenceSessionLike = Pick<InferenceSession, 'inputNames' | 'outputNames' | 'run' | 'release'> &
  Partial<Pick<InferenceSession, 'inputMetadata'>>;

/**
 * Reads input specs from an onnxruntime session: names always; type and shape when the runtime reports
 * them (an empty shape means unknown and is not checked).
 */
export function inputSpecsOf(session: InferenceSessionLike): ModelInputSpec[] {
  const metadata = session.inputMetadata;
  return session.inputNames.map((name, i) => {
    const meta = metadata?.[i];
    if (meta === undefined || meta.name !== name || !meta.isTensor) return { name };
    // onnxruntime reports an unknown shape as [] (like a scalar): only non-empty shapes are checked.
    if (meta.shape.length === 0) return { name, type: meta.type };
    return { name, type: meta.type, shape: meta.shape.map((d) => (typeof d === 'number' && d < 0 ? null : d)) };
  });
}

/**
 * Adapts an onnxruntime `InferenceSession` (node or web) to {@link ModelSession}: feeds are
 * validated with {@link checkFeeds} first, `release` is idempotent and `run` after it fails.
 * @param label - model label used in error messages.
 */
export function wrapInferenceSession(session: InferenceSessionLike, label: string): ModelSession {
  const specs = inputSpecsOf(session);
  let released = false;
  let pending: Promise<void> | undefined;
  return {
    inputNames: Object.freeze([...session.inputNames]),
    outputNames: Object.freeze([...session.outputNames]),
    async run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
      if (released) throw new TaptrError('TAPTR_INVALID_ARGUMENT', `${label}: run() called after release()`);
      checkFeeds(label, specs, feeds);
      const out = await session.run(feeds as InferenceSession.FeedsType);
      return out as Record<string, Tensor>;
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
