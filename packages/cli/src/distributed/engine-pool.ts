// SPDX-License-Identifier: Apache-2.0
import type { JobBackend, ModelRef, PathGuard } from '@taptr/queue';
import { join } from 'node:path';
import { loadModel } from '../engine/load-model.js';
import { createStationaryEngine } from '../engine/stationary-engine.js';
import { createTaptrEngine } from '../engine/taptr-engine.js';
import type { TrackingEngine } from '../engine/tracking-engine.js';

/** An engine lent to one job. */
interface EngineLease {
  readonly engine: TrackingEngine;
  /** Gives the engine back to the pool (it stays loaded for the next job of the same model). */
  release(): void;
}

/** The engines of a worker: each model is loaded once and kept while jobs use it. */
export interface EnginePool {
  /**
   * An engine for `model` on `backend`. The model's files are checked first (under `--allow-root`,
   * sha256 equal to the job's: cheap once hashed, the digests are cached by file identity). An idle
   * engine of the same model is reused; loading another model first disposes the idle engines of
   * the others. `beforeLoad` runs just before a model is loaded (a step that blocks the event loop).
   */
  acquire(model: ModelRef, backend: JobBackend, beforeLoad?: () => Promise<void>): Promise<EngineLease>;
  /** How many times a model was loaded (for reports and tests). */
  readonly loads: number;
  /** Disposes every engine. */
  dispose(): Promise<void>;
}

/** Creates the {@link EnginePool} of a worker. */
export function createEnginePool(guard: PathGuard, options: { readonly threads?: number } = {}): EnginePool {
  const pool = new Map<string, { engine: TrackingEngine; busy: boolean }[]>();
  let loads = 0;
  const verify = async (model: ModelRef): Promise<{ path: string; config?: string }> => {
    if (model.kind === 'baseline') return { path: '' };
    if (model.kind === 'folder') {
      await guard.verified({ path: join(model.path, 'model.json'), sha256: model.sha256 }, 'model manifest');
      return { path: await guard.readable(model.path, 'model folder') };
    }
    const path = await guard.verified({ path: model.path, sha256: model.sha256 }, 'model checkpoint');
    return model.config !== undefined ? { path, config: await guard.verified(model.config, 'model config') } : { path };
  };
  return {
    get loads() {
      return loads;
    },
    async acquire(model, backend, beforeLoad) {
      const files = await verify(model);
      const key = JSON.stringify([
        model.kind,
        model.kind === 'baseline' ? model.name : model.sha256,
        model.kind === 'checkpoint' ? (model.config?.sha256 ?? null) : null,
        backend,
      ]);
      const engines = pool.get(key) ?? [];
      let slot = engines.find((e) => !e.busy);
      if (slot === undefined) {
        for (const [other, list] of pool) {
          if (other === key) continue;
          for (const idle of list.filter((e) => !e.busy)) {
            list.splice(list.indexOf(idle), 1);
            await idle.engine.dispose();
          }
          if (list.length === 0) pool.delete(other);
        }
        await beforeLoad?.();
        const engine =
          model.kind === 'baseline'
            ? createStationaryEngine()
            : await createTaptrEngine(await loadModel(files.path, files.config, { backend }), {
                backend,
                ...(options.threads !== undefined ? { threads: options.threads } : {}),
              });
        loads++;
        slot = { engine, busy: false };
        engines.push(slot);
        pool.set(key, engines);
      }
      const taken = slot;
      taken.busy = true;
      return { engine: taken.engine, release: () => void (taken.busy = false) };
    },
    async dispose() {
      for (const list of pool.values()) for (const { engine } of list) await engine.dispose();
      pool.clear();
    },
  };
}
