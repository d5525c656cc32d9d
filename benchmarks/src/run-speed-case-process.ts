// SPDX-License-Identifier: Apache-2.0
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
export function runSpeedCaseProcess(spec: SpeedCaseSpec, env: NodeJS.ProcessEnv = process.env, kind: 'speed' | 'memory-mode' = 'speed'): Promise<SpeedCaseOutcome<SpeedCaseResult | MemoryModeResult>> {
  const worker = fileURLToPath(new URL(`./speed-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  return new Promise((resolve) => {
    let outcome: SpeedCaseOutcome<SpeedCaseResult | MemoryModeResult> | undefined;
    const child = fork(worker, [JSON.stringify(spec), kind], { execArgv: process.execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (m) => {
      outcome = m as SpeedCaseOutcome<SpeedCaseResult | MemoryModeResult>;
    });
    child.on('error', (e) => {
      outcome ??= { error: e.message };
    });
    child.on('exit', (code, signal) => {
      resolve(outcome ?? { error: `the case's process exited with ${signal ?? `code ${code}`} before reporting (out of memory?)` });
    });
  });
}
