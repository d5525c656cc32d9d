// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import { loadModel, type ModelSourceOptions } from './load-model.js';
import { createStationaryEngine } from './stationary-engine.js';
import { createTaptrEngine } from './taptr-engine.js';
import type { TrackingEngine } from './tracking-engine.js';

/** Backends `--backend` accepts. */
export const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
/** One of {@link BACKENDS}. */
export type Backend = (typeof BACKENDS)[number];

/** How to build the engine a command tracks with. */
export interface EngineOptions {
  /** A converted model folder (`model.json`), an official `.pth` checkpoint or a model id (`taptr-v1`). */
  readonly model?: string;
  /** A JSON configuration with the keys of the reference `config.json` (for a `.pth`). */
  readonly config?: string;
  readonly backend: Backend;
  readonly threads?: number;
  /** `'stationary'`: the zero-motion baseline instead of a model. */
  readonly baseline?: 'stationary';
  /** Environment, progress and cancellation of a model id (`--model taptr-v1`). */
  readonly source?: ModelSourceOptions;
}

/**
 * Builds the tracking engine for a command.
 * @throws TaptrError `TAPTR_NO_RUNTIME` when the backend cannot run; model loading errors (see `loadModel`).
 */
export async function openEngine(options: EngineOptions): Promise<TrackingEngine> {
  if (options.baseline === 'stationary') return createStationaryEngine();
  if (options.model === undefined) throw new TaptrError('TAPTR_INVALID_ARGUMENT', '--model is required');
  const model = await loadModel(options.model, options.config, { ...options.source, backend: options.backend });
  return createTaptrEngine(model, { backend: options.backend, ...(options.threads !== undefined ? { threads: options.threads } : {}) });
}
