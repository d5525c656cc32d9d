// SPDX-License-Identifier: Apache-2.0
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled TAP-Vid-DAVIS-format sample (2 synthetic videos, 12 frames of 80x64, 5 points each). */
export function sampleDatasetPath(): string {
  // Both src/ and dist/ sit one level below the package root.
  return fileURLToPath(new URL('../assets/sample/tapvid_davis.pkl', import.meta.url));
}

/**
 * The reduced random-weight reference model and its video (`checkpoint.pth`, `config.json`,
 * `video.npy` [50, 96, 96, 3]), from the `@taptr/model` package's fixtures.
 */
export function referenceModelDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@taptr/model/package.json')), 'fixtures', 'taptr-reference');
}
