// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from 'node:url';
import { fixtureDir } from '@taptr/tensor/testing';

/**
 * The official-model fixture set the CLI tests compare with (`TAPTR_REFERENCE_FIXTURES`, default the
 * in-repo copy in `packages/model/fixtures/taptr-reference`). The demo's own copy of the model
 * (`referenceModelDir()`) holds only the three files the demo needs.
 */
export const REFERENCE_FIXTURES: string = fixtureDir('TAPTR_REFERENCE_FIXTURES', fileURLToPath(new URL('../../model/fixtures/taptr-reference', import.meta.url)));
