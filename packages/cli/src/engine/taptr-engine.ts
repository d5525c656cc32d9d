// SPDX-License-Identifier: Apache-2.0
import type { RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { tensor, TaptrError } from '@taptr/tensor';
import { createTracker } from '@taptr/tracker';
import type { QueryPoint } from '../queries/query-set.js';
import type { VideoSource } from '../video/video-source.js';
import type { LoadedModel } from './load-model.js';
import type { TrackingEngine, TrackRequestOptions } from './tracking-engine.js';

/** Where the model runs. */
export interface TaptrEngineOptions {
  readonly backend: 'cpu' | 'wasm' | 'webgpu';
  readonly threads?: number;
}

/**
 * Creates the runtime adapter of a backend (onnxruntime-node CPU or its WebGPU execution provider).
 * @throws TaptrError `TAPTR_NO_RUNTIME` for a backend this build cannot run in Node.
 */
export function createBackendRuntime(options: TaptrEngineOptions): RuntimeAdapter {
  if (options.backend === 'wasm') {
    throw new TaptrError('TAPTR_NO_RUNTIME', '--backend wasm: no onnxruntime-web adapter is available to the Node CLI in this build; use --backend cpu (or webgpu)');
  }
  return createNodeRuntime({ executionProvider: options.backend, ...(options.threads !== undefined ? { threads: options.threads } : {}) });
}

/** The frames of a {@link VideoSource} as `[H, W, 3]` uint8 tensors, streamed. */
async function* frameTensors(video: VideoSource): AsyncGenerator<ReturnType<typeof tensor<'uint8'>>> {
  for await (const frame of video.frames()) yield tensor('uint8', [video.height, video.width, 3], frame);
}

/** A {@link TrackingEngine} over `@taptr/tracker` with a loaded TAPTR model. */
export async function createTaptrEngine(model: LoadedModel, options: TaptrEngineOptions): Promise<TrackingEngine> {
  const runtime = createBackendRuntime(options);
  if (!(await runtime.isSupported())) throw new TaptrError('TAPTR_NO_RUNTIME', `--backend ${options.backend}: not supported on this machine`);
  const tracker = await createTracker({ runtime, model: model.graphs });
  return {
    backend: options.backend,
    model: model.info,
    async track(video: VideoSource, queries: readonly QueryPoint[], request: TrackRequestOptions = {}) {
      const result = await tracker.track(frameTensors(video), queries, {
        bidirectional: request.bidirectional ?? false,
        padQueries: request.padQueries ?? 0,
        ...(video.frameCount > 0 ? { frameCount: video.frameCount } : {}),
        onProgress: (p) => request.onProgress?.({ stage: p.pass, done: p.framesEncoded, total: p.frameCount ?? video.frameCount }),
      });
      return { frames: result.frameCount, tracks: result.tracks.data, visible: result.visible.data };
    },
    dispose: () => tracker.release(),
  };
}
