// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from 'node:url';
import { fixtureDir } from '@taptr/tensor/testing';

/** The TAPTR reference fixture folder: $TAPTR_REFERENCE_FIXTURES or the in-repo copy. */
export const TAPTR_FIXTURES: string = fixtureDir('TAPTR_REFERENCE_FIXTURES', fileURLToPath(new URL('../fixtures/taptr-reference', import.meta.url)));
