// SPDX-License-Identifier: Apache-2.0
import type { CliIo } from './cli-io.js';
import { main } from './main.js';

/** Result of {@link runCli}: exit code and everything written to stdout / stderr. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `main(argv)` in-process with captured streams (tests only).
 * @internal
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
