// SPDX-License-Identifier: Apache-2.0
// DEV ONLY (replaced by the checkpoint reader before commit).
import { readFileSync } from 'node:fs';
import { readNpy, type TensorView } from '@taptr/tensor';
import type { StateDict } from '../src/graphs/blocks/state-dict.js';

export function loadReferenceStateDict(): StateDict {
  const dir = '/tmp/rtB/sd';
  const keys = JSON.parse(readFileSync(`${dir}/keys.json`, 'utf8')) as string[];
  const sd = new Map<string, TensorView>();
  for (const k of keys) sd.set(k, readNpy(new Uint8Array(readFileSync(`${dir}/${k}.npy`))));
  return sd;
}
