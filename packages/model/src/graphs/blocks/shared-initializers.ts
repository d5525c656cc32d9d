// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import type { TensorView } from '@taptr/tensor';

/**
 * `g` with its initializers shared by hint for the hints that start with one of `prefixes`: the first
 * `initializer(view, hint)` stores the tensor, later calls with the same hint return that value (their
 * `view` must hold the same numbers). Used where one module's parameters serve several parts of a
 * graph (the decoder's shared heads, the encoder's query tiles), so the model file stores them once.
 */
export function withSharedInitializers(g: GraphBuilder, prefixes: readonly string[]): GraphBuilder {
  const cache = new Map<string, OnnxValue>();
  return {
    ...g,
    initializer(view: TensorView, hint?: string): OnnxValue {
      if (hint === undefined || !prefixes.some((p) => hint.startsWith(p))) return g.initializer(view, hint);
      let value = cache.get(hint);
      if (value === undefined) {
        value = g.initializer(view, hint);
        cache.set(hint, value);
      }
      return value;
    },
  };
}
