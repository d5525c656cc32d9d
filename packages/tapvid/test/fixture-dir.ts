// SPDX-License-Identifier: Apache-2.0
// The TAP-Vid fixture folder: $TAPVID_FIXTURES, or the in-repo copy.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureDir } from '@taptr/tensor/testing';

/** Root of the tapvid-metrics fixture set used by the tests. */
export const FIXTURES = fixtureDir('TAPVID_FIXTURES', join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tapvid-metrics'));

/** Shape of `manifest.json`. */
export interface Manifest {
  readonly cases: readonly string[];
  readonly aggregates: readonly { description: string; cases: readonly string[]; mean: Record<string, number | null> }[];
  readonly sampling: readonly string[];
  readonly metric_order: readonly string[];
}
