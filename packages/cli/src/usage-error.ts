// SPDX-License-Identifier: Apache-2.0
import { isTaptrError } from '@taptr/tensor';

/** A wrong command line (bad flag value, missing argument): exit code 2, one-line message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The command was stopped by Ctrl-C (SIGINT) and wrote what was final: exit code 130 (128 + SIGINT,
 * what shells report), one-line message saying what was kept.
 */
export class InterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** Exit codes of the `taptr` command. */
export const EXIT = { ok: 0, runtime: 1, usage: 2, interrupted: 130 } as const;

/** Messages of argument errors raised by the libraries: `fn: arg must be <expected>, got <actual>`. */
const ARGUMENT_ERROR = /^[\w.]+: .+ must be .+, got /;

/**
 * Classifies an error thrown by a command: {@link InterruptedError} exits 130; usage errors (exit 2)
 * are the CLI's own {@link UsageError}, `TAPTR_INVALID_ARGUMENT` and library argument errors (RangeError/TypeError
 * with the standard message); expected runtime failures (exit 1) are the other `TaptrError`s.
 * Anything else is a bug: exit 1 with its stack.
 */
export function classifyError(error: unknown): { code: 1 | 2 | 130; message: string; expected: boolean } {
  if (error instanceof UsageError) return { code: EXIT.usage, message: error.message, expected: true };
  if (error instanceof InterruptedError) return { code: EXIT.interrupted, message: error.message, expected: true };
  if (isTaptrError(error)) return { code: error.code === 'TAPTR_INVALID_ARGUMENT' ? EXIT.usage : EXIT.runtime, message: error.message, expected: true };
  if ((error instanceof RangeError || error instanceof TypeError) && ARGUMENT_ERROR.test(error.message)) {
    return { code: EXIT.usage, message: error.message, expected: true };
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: EXIT.runtime, message, expected: false };
}
