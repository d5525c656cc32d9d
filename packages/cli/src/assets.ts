// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from 'node:url';

// Both src/ and dist/ sit one level below the package root, and assets/ ships in the npm tarball.
const ASSETS = new URL('../assets/', import.meta.url);

/** The bundled TAP-Vid-DAVIS-format sample (2 synthetic videos, 12 frames of 80x64, 5 points each). */
export function sampleDatasetPath(): string {
  return fileURLToPath(new URL('sample/tapvid_davis.pkl', ASSETS));
}

/**
 * The bundled reduced random-weight reference model and its video, shipped inside `@taptr/cli`:
 * `checkpoint.pth`, `config.json` and `video.npy` `[50, 96, 96, 3]` uint8.
 */
export function referenceModelDir(): string {
  return fileURLToPath(new URL('reference/', ASSETS));
}
