// SPDX-License-Identifier: Apache-2.0
import { buildProbeModel, createTensorFactory, type ModelSession, type ModelSessionOptions, type RuntimeAdapter, wrapInferenceSession } from '@taptr/runtime';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import type * as OrtWeb from 'onnxruntime-web';
import { wasmThreads, webgpuUnavailableReason } from './environment.js';
import { webGpuTensorsOf } from './webgpu-tensors.js';
import type { ResolvedWebRuntimeOptions } from './web-runtime-options.js';

/** The part of an onnxruntime-web module (`onnxruntime-web/wasm` or `/webgpu`) the adapter uses. */
export type OrtWebModule = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor' | 'env'>;

/** Execution providers of onnxruntime-web that {@link createOrtWebAdapter} drives. */
export type WebExecutionProvider = 'wasm' | 'webgpu';

/** Wasm thread count each onnxruntime-web module copy was initialised with (it can be set only once). */
const initialisedThreads = new WeakMap<object, number>();

function configureOnce(ort: OrtWebModule, threads: number, o: ResolvedWebRuntimeOptions): string | undefined {
  const done = initialisedThreads.get(ort.env);
  if (done !== undefined) {
    return done === threads ? undefined : `this page's onnxruntime-web wasm runtime was already started with ${done} thread(s); it cannot change to ${threads}`;
  }
  ort.env.logLevel = 'error';
  ort.env.wasm.numThreads = threads;
  if (o.wasmPaths !== undefined) ort.env.wasm.wasmPaths = o.wasmPaths;
  if (o.wasmBinary !== undefined) ort.env.wasm.wasmBinary = o.wasmBinary;
  initialisedThreads.set(ort.env, threads);
  return undefined;
}

/**
 * A {@link RuntimeAdapter} over one onnxruntime-web module. `isSupported()` checks the environment
 * (cross-origin isolation for threads, a WebGPU adapter) and then really runs a tiny probe model.
 * @param ort - the imported `onnxruntime-web/wasm` or `onnxruntime-web/webgpu` module.
 * @param executionProvider - `'wasm'` or `'webgpu'`.
 * @internal
 */
export function createOrtWebAdapter(ort: OrtWebModule, executionProvider: WebExecutionProvider, o: ResolvedWebRuntimeOptions): RuntimeAdapter {
  const name = `ort-web-${executionProvider}`;
  const tensors = createTensorFactory(ort.Tensor);
  let threads = 1;
  const base = (): ModelSessionOptions => ({
    executionProviders: [executionProvider],
    graphOptimizationLevel: o.graphOptimizationLevel,
    logSeverityLevel: 3,
  });

  const runProbe = async (): Promise<string | undefined> => {
    const t = wasmThreads(o.threads);
    if ('reason' in t) return t.reason;
    threads = t.threads;
    if (executionProvider === 'webgpu') {
      const gpu = await webgpuUnavailableReason();
      if (gpu !== undefined) return gpu;
    }
    const conflict = configureOnce(ort, threads, o);
    if (conflict !== undefined) return conflict;
    try {
      const session = await ort.InferenceSession.create(buildProbeModel(), base());
      try {
        const a = new ort.Tensor('float32', new Float32Array([1, 2]), [2]);
        const out = await session.run({ a, b: a });
        const sum = out['sum']?.data as Float32Array | undefined;
        if (sum?.[0] !== 2 || sum[1] !== 4) return `the ${executionProvider} probe model returned wrong values`;
      } finally {
        await session.release();
      }
      return undefined;
    } catch (error) {
      const what = executionProvider === 'webgpu' ? 'the WebGPU execution provider failed' : 'the onnxruntime-web wasm runtime failed to start';
      return `${what} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
  };
  // onnxruntime-web's WebGPU backend does not support interleaved calls (concurrent runs of two
  // sessions hang): WebGPU session creation and runs go through one queue per adapter.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    if (executionProvider !== 'webgpu') return fn();
    const result = tail.then(fn, fn);
    tail = result.catch(() => undefined);
    return result;
  };
  let probe: Promise<string | undefined> | undefined;
  const unsupportedReason = (): Promise<string | undefined> => (probe ??= runProbe().catch((e: unknown) => String(e)));

  // One GpuTensors per adapter (its scratch buffer shared), made once the device exists.
  let gpuTensors: ReturnType<typeof webGpuTensorsOf> | undefined;
  return {
    name,
    tensors,
    ...(executionProvider === 'webgpu'
      ? {
          gpuTensors() {
            const made = (gpuTensors ??= webGpuTensorsOf(ort));
            made.catch(() => {
              if (gpuTensors === made) gpuTensors = undefined;
            });
            return made;
          },
        }
      : {}),
    async isSupported() {
      return (await unsupportedReason()) === undefined;
    },
    unsupportedReason,
    async createSession(model: Uint8Array | string, sessionOptions: ModelSessionOptions = {}): Promise<ModelSession> {
      if (typeof model !== 'string' && !(model instanceof Uint8Array)) {
        throw invalidArgument('type', 'createSession', 'model', 'ONNX bytes (Uint8Array) or a URL', describeValue(model));
      }
      const reason = await unsupportedReason();
      if (reason !== undefined) {
        throw new TaptrError(
          executionProvider === 'webgpu' ? 'TAPTR_WEBGPU_UNAVAILABLE' : 'TAPTR_NO_RUNTIME',
          `createSession: ${name} cannot run here: ${reason}`,
        );
      }
      const label = sessionOptions.logId ?? (typeof model === 'string' ? (model.split('/').pop() ?? model) : `model (${model.byteLength} bytes)`);
      let session: OrtWeb.InferenceSession;
      try {
        const merged = { ...base(), ...sessionOptions };
        session = await serial(() => (typeof model === 'string' ? ort.InferenceSession.create(model, merged) : ort.InferenceSession.create(model, merged)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new TaptrError('TAPTR_IO', `createSession: cannot load ${label} on ${name}: ${message}`, { cause: error });
      }
      const wrapped = wrapInferenceSession(session, label);
      if (executionProvider !== 'webgpu') return wrapped;
      return {
        ...wrapped,
        run: (feeds, outputs) => serial(() => wrapped.run(feeds, outputs)),
        release: () => serial(() => wrapped.release()),
      };
    },
  };
}
