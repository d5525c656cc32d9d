// SPDX-License-Identifier: Apache-2.0
// Test helper: the reference fixture's state dict (checkpoint.pth) and configuration (config.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadJson } from '@taptr/tensor/testing';
import { readTaptrCheckpoint } from '../src/checkpoint/taptr-checkpoint.js';
import { parseTaptrConfig, type TaptrConfig } from '../src/config/index.js';
import type { StateDict } from '../src/graphs/blocks/state-dict.js';
import { TAPTR_FIXTURES } from './fixture-dir.js';

/** The fixture model's configuration. */
export function loadReferenceConfig(): TaptrConfig {
  return parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
}

/** The fixture model's state dict, read with the checkpoint reader (`ema_model`, checked against the config). */
export function loadReferenceStateDict(): StateDict {
  return readTaptrCheckpoint(new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth'))), { config: loadReferenceConfig() });
}
