// SPDX-License-Identifier: Apache-2.0

/** A text stream the CLI writes to (process.stdout/stderr, or a capture in tests). */
export interface TextOut {
  write(text: string): unknown;
  /** True for a terminal: progress bars are drawn only then. */
  readonly isTTY?: boolean;
}

/** The CLI's view of its environment; `main` uses the process's by default. */
export interface CliIo {
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  readonly env: NodeJS.ProcessEnv;
}

/** The real process streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
