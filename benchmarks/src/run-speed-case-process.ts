// SPDX-License-Identifier: Apache-2.0
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InterleavedResult } from './interleaved-variants.js';
import type { LongVideoResult } from './long-video-case.js';
import type { MemoryModeResult, SpeedCaseResult, SpeedCaseSpec } from './speed-case.js';

/** A speed case's result, or why it produced none. */
export type SpeedCaseOutcome<R = SpeedCaseResult> = { readonly result: R } | { readonly error: string };

/**
 * Runs one speed case in a child Node process (same loader flags as this one, e.g. tsx and the
 * `@taptr/source` condition), so that each case's peak RSS is its own. Never rejects: a crash or a
 * thrown error comes back as `{ error }`.
 */
export function runSpeedCaseProcess(spec: SpeedCaseSpec, env?: NodeJS.ProcessEnv): Promise<SpeedCaseOutcome>;
/** Runs only the end-to-end part of a case under `spec.memory` (`--memory-modes`), in its own process. */
export function runSpeedCaseProcess(spec: SpeedCaseSpec, env: NodeJS.ProcessEnv, kind: 'memory-mode'): Promise<SpeedCaseOutcome<MemoryModeResult>>;
/** Tracks one long streamed video (`spec.frames`), with checkpoints at the shorter lengths `extra` (issue 15), in its own process. */
export function runSpeedCaseProcess(
  spec: SpeedCaseSpec,
  env: NodeJS.ProcessEnv,
  kind: 'long-video',
  extra: readonly number[],
): Promise<SpeedCaseOutcome<LongVideoResult>>;
/** Times the baseline and `spec.variant` alternately in one process (end to end and encoder), so that their ratio sees one load. */
export function runSpeedCaseProcess(spec: SpeedCaseSpec, env: NodeJS.ProcessEnv, kind: 'interleaved'): Promise<SpeedCaseOutcome<InterleavedResult>>;
export function runSpeedCaseProcess(
  spec: SpeedCaseSpec,
  env: NodeJS.ProcessEnv = process.env,
  kind: 'speed' | 'memory-mode' | 'long-video' | 'interleaved' = 'speed',
  extra: readonly number[] = [],
): Promise<SpeedCaseOutcome<SpeedCaseResult | MemoryModeResult | LongVideoResult | InterleavedResult>> {
  const worker = fileURLToPath(new URL(`./speed-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  return new Promise((resolve) => {
    let outcome: SpeedCaseOutcome<SpeedCaseResult | MemoryModeResult | LongVideoResult | InterleavedResult> | undefined;
    const child = fork(worker, [JSON.stringify(spec), kind, JSON.stringify(extra)], {
      execArgv: process.execArgv,
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m) => {
      outcome = m as SpeedCaseOutcome<SpeedCaseResult | MemoryModeResult | LongVideoResult | InterleavedResult>;
    });
    child.on('error', (e) => {
      outcome ??= { error: e.message };
    });
    child.on('exit', (code, signal) => {
      resolve(outcome ?? { error: `the case's process exited with ${signal ?? `code ${code}`} before reporting (out of memory?)` });
    });
  });
}
