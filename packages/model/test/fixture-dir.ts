// SPDX-License-Identifier: Apache-2.0
import { taptrReferenceDir } from '@taptr/fixtures';

/** The TAPTR reference fixture folder: $TAPTR_REFERENCE_FIXTURES or the in-repo set of @taptr/fixtures. */
export const TAPTR_FIXTURES: string = taptrReferenceDir();
