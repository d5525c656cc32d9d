// SPDX-License-Identifier: Apache-2.0
// Node side of the browser harness (src/harness.ts): a RuntimeAdapter whose sessions live in
// Chromium, so the shared conformance suite and model comparisons run against the real
// onnxruntime-web adapters in the browser. TaptrErrors are re-created with their code.
import type { ModelSession, RuntimeAdapter, RuntimeDType, TensorFactory } from '@taptr/runtime';
import { TaptrError, type TaptrErrorCode } from '@taptr/tensor';
import { Tensor } from 'onnxruntime-common';
import type { Page } from 'playwright-core';
import type { TaptrHarness, WireError } from '../src/harness.js';
import { WIRE_ARRAYS, type WireTensor } from '../src/wire-tensor.js';

type Call = <K extends keyof TaptrHarness>(
  method: K,
  ...args: Parameters<TaptrHarness[K]>
) => Promise<Exclude<Awaited<ReturnType<TaptrHarness[K]>>, WireError>>;

/** Calls a harness method in the page; a serialised error is thrown again here (TaptrError keeps its code). */
export function harnessCaller(page: Page): Call {
  return (async (method: string, ...args: unknown[]) => {
    const result = await page.evaluate(
      ([m, a]) => (window as unknown as { taptrHarness: Record<string, (...x: unknown[]) => unknown> }).taptrHarness[m]!(...a),
      [method, args] as const,
    );
    if (result !== null && typeof result === 'object' && 'error' in result) {
      const e = (result as WireError).error;
      if (e.code?.startsWith('TAPTR_')) throw new TaptrError(e.code as TaptrErrorCode, e.message);
      const Ctor = e.name === 'TypeError' ? TypeError : e.name === 'RangeError' ? RangeError : Error;
      throw new Ctor(e.message);
    }
    return result;
  }) as Call;
}

function toWire(t: Tensor): WireTensor {
  const data = t.data as ArrayBufferView;
  return { type: t.type as RuntimeDType, dims: [...t.dims], base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
}

function fromWire(w: WireTensor): Tensor {
  const bytes = Buffer.from(w.base64, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const Ctor = WIRE_ARRAYS[w.type];
  return new Tensor(w.type as 'float32', new Ctor(copy.buffer, 0, copy.byteLength / Ctor.BYTES_PER_ELEMENT) as Float32Array, w.dims);
}

const tensors: TensorFactory = {
  tensor(type, data, dims) {
    let size = 1;
    for (const d of dims) size *= d;
    if (data.length !== size) throw new RangeError(`tensors.tensor: data must be ${size} elements for shape [${dims.join(', ')}], got ${data.length}`);
    return new Tensor(type as 'float32', data as Float32Array, dims) as never;
  },
};

/** Timing of the last run of each proxied session (ms, measured in the page around session.run). */
const lastRunMs = new Map<ModelSession, number>();

/**
 * A RuntimeAdapter proxy for the page's adapter `backend` (opened with `harness.open`). Models given
 * as a string are URLs relative to the page (`url:` prefix added here).
 */
export async function browserAdapter(page: Page, backend: 'wasm' | 'webgpu', threads = 0): Promise<RuntimeAdapter> {
  const call = harnessCaller(page);
  const name = await call('open', backend, threads);
  return {
    name: `${name} (chromium)`,
    tensors,
    isSupported: () => call('isSupported', backend),
    async createSession(model, options) {
      if (typeof model !== 'string' && !(model instanceof Uint8Array))
        throw new TypeError(`createSession: model must be ONNX bytes (Uint8Array) or a URL, got ${typeof model}`);
      const wire = typeof model === 'string' ? `url:${model}` : Buffer.from(model.buffer, model.byteOffset, model.byteLength).toString('base64');
      const { id, inputNames, outputNames } = await call('createSession', backend, wire, options as Record<string, unknown> | undefined);
      const session: ModelSession = {
        inputNames,
        outputNames,
        async run(feeds, preallocated) {
          // Pre-allocated outputs are pre-allocated in the page too (the browser adapter's own path),
          // then copied into the given tensors here.
          const specs =
            preallocated === undefined
              ? undefined
              : Object.fromEntries(Object.entries(preallocated).map(([k, t]) => [k, { type: t.type as RuntimeDType, dims: [...t.dims] }]));
          const { outputs, ms } = await call('run', id, Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, toWire(t)])), specs);
          lastRunMs.set(session, ms);
          const result = Object.fromEntries(Object.entries(outputs).map(([k, w]) => [k, fromWire(w)]));
          for (const [name, given] of Object.entries(preallocated ?? {})) {
            (given.data as Float32Array).set(result[name]!.data as Float32Array);
            result[name] = given;
          }
          return result;
        },
        async release() {
          await call('release', id);
        },
      };
      return session;
    },
  };
}
