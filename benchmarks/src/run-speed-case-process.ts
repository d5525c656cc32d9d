// SPDX-License-Identifier: Apache-2.0
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SpeedCaseResult, SpeedCaseSpec } from './speed-case.js';

/** A speed case's result, or why it produced none. */
export type SpeedCaseOutcome = { readonly result: SpeedCaseResult } | { readonly error: string };

/**
 * Runs one speed case in a child Node process (same loader flags as this one, e.g. tsx and the
 * `@taptr/source` condition), so that each case's peak RSS is its own. Never rejects: a crash or a
 * thrown error comes back as `{ error }`.
 */
export function runSpeedCaseProcess(spec: SpeedCaseSpec, env: NodeJS.ProcessEnv = process.env): Promise<SpeedCaseOutcome> {
  const worker = fileURLToPath(new URL(`./speed-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  return new Promise((resolve) => {
    let outcome: SpeedCaseOutcome | undefined;
    const child = fork(worker, [JSON.stringify(spec)], { execArgv: process.execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (m) => {
      outcome = m as SpeedCaseOutcome;
    });
    child.on('error', (e) => {
      outcome ??= { error: e.message };
    });
    child.on('exit', (code, signal) => {
      resolve(outcome ?? { error: `the case's process exited with ${signal ?? `code ${code}`} before reporting (out of memory?)` });
    });
  });
}
