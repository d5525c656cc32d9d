// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { TaptrError, tensor } from '@taptr/tensor';
import { createTracker, ONLINE_LATENCY_FRAMES, type QueryPoint, type TrackProgress } from '@taptr/tracker';
import { frameTensors, type VideoSource } from '@taptr/video';
import type { LoadedModel } from './load-model.js';
import { optionalBackendError } from './optional-backend.js';
import type { TrackingEngine, TrackRequestOptions } from './tracking-engine.js';

/** Where the model runs. */
export interface TaptrEngineOptions {
  readonly backend: 'cpu' | 'wasm' | 'webgpu';
  readonly threads?: number;
}

/**
 * Creates the runtime adapter of a backend: onnxruntime-node's CPU or WebGPU execution provider,
 * or onnxruntime-web's wasm build (loaded only when asked for; its `.wasm` binary is read from disk
 * because the web bundle cannot fetch it from a file URL).
 * @throws TaptrError `TAPTR_NO_RUNTIME` when the wasm adapter cannot be loaded (one line naming the
 * package to install when the optional `@taptr/runtime-web` is missing).
 */
async function createBackendRuntime(options: TaptrEngineOptions): Promise<RuntimeAdapter> {
  if (options.backend !== 'wasm') {
    return createNodeRuntime({ executionProvider: options.backend, ...(options.threads !== undefined ? { threads: options.threads } : {}) });
  }
  // @taptr/runtime-web and onnxruntime-web are optional peers of the CLI (onnxruntime-web is 139 MB): the
  // dynamic import keeps them out of the CLI's start-up, and fails with ERR_MODULE_NOT_FOUND when absent.
  try {
    const { createWebRuntime } = await import('@taptr/runtime-web/wasm');
    const require = createRequire(import.meta.url);
    const wasmBinary = new Uint8Array(await readFile(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')));
    return createWebRuntime({ threads: options.threads ?? 1, wasmBinary });
  } catch (error) {
    throw optionalBackendError('wasm', error);
  }
}

/** A {@link TrackingEngine} over `@taptr/tracker` with a loaded TAPTR model. */
export async function createTaptrEngine(model: LoadedModel, options: TaptrEngineOptions): Promise<TrackingEngine> {
  const runtime = await createBackendRuntime(options);
  if (!(await runtime.isSupported())) {
    const reason = (await runtime.unsupportedReason?.()) ?? 'not supported on this machine';
    throw new TaptrError(options.backend === 'webgpu' ? 'TAPTR_WEBGPU_UNAVAILABLE' : 'TAPTR_NO_RUNTIME', `--backend ${options.backend}: ${reason}`);
  }
  const tracker = await createTracker({ runtime, model: model.graphs });
  return {
    backend: options.backend,
    model: model.info,
    track(video: VideoSource, queries: readonly QueryPoint[], request: TrackRequestOptions = {}) {
      const known = video.frameCount > 0 ? video.frameCount : undefined;
      const { onProgress } = request;
      return tracker.track(frameTensors(video), queries, {
        bidirectional: request.bidirectional ?? false,
        padQueries: request.padQueries ?? 0,
        ...(known !== undefined ? { frameCount: known } : {}),
        ...(onProgress !== undefined ? { onProgress: (p: TrackProgress) => onProgress({ ...p, frameCount: p.frameCount ?? known }) } : {}),
        ...(request.signal !== undefined ? { signal: request.signal } : {}),
        ...(request.onFrame !== undefined ? { onFrame: request.onFrame } : {}),
      });
    },
    online({ width, height, frameCount, signal }) {
      const session = tracker.online({ ...(frameCount !== undefined && frameCount > 0 ? { frameCount } : {}), ...(signal !== undefined ? { signal } : {}) });
      return {
        latency: ONLINE_LATENCY_FRAMES.exact,
        addPoints: (points) => session.addPoints(points),
        push: (frame) => session.push(tensor('uint8', [height, width, 3], frame)),
        end: () => session.end(),
        [Symbol.asyncIterator]: () => session[Symbol.asyncIterator](),
      };
    },
    dispose: () => tracker.release(),
  };
}
