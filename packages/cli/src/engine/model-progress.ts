// SPDX-License-Identifier: Apache-2.0
import type { PretrainedProgress } from '@taptr/model/node';
import type { TextOut } from '../cli-io.js';
import { type Progress, startProgress } from '../progress.js';

/**
 * Progress bars for a model id (`--model taptr-v1`): `model` in MB while the checkpoint downloads,
 * then `convert` in steps. Nothing is drawn when the model comes from the cache.
 */
export function modelProgress(stream: TextOut, enabled: boolean): { update: (progress: PretrainedProgress) => void; stop: () => void } {
  let bar: Progress | undefined;
  let stage: PretrainedProgress['stage'] | undefined;
  return {
    update(progress) {
      if (progress.stage !== stage) {
        bar?.stop();
        stage = progress.stage;
        bar =
          progress.stage === 'download'
            ? startProgress(stream, 'model  ', progress.total ?? 0, 'bytes', enabled)
            : startProgress(stream, 'convert', progress.total ?? 4, 'steps', enabled);
      }
      bar!.update(progress.done, progress.total);
    },
    stop() {
      bar?.stop();
    },
  };
}
