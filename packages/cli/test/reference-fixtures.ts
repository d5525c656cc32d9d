// SPDX-License-Identifier: Apache-2.0
import { taptrReferenceDir } from '@taptr/fixtures';

/**
 * The official-model fixture set the CLI tests compare with (`TAPTR_REFERENCE_FIXTURES`, default the
 * in-repo set of `@taptr/fixtures`). The demo's own copy of the model
 * (`referenceModelDir()`) holds only the three files the demo needs.
 */
export const REFERENCE_FIXTURES: string = taptrReferenceDir();
