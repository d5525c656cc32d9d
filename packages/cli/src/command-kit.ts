// SPDX-License-Identifier: Apache-2.0
import { Command, InvalidArgumentError } from 'commander';
import type { CliIo } from './cli-io.js';

/**
 * Creates a sub-command with the CLI's shared behaviour: output through `io`, errors thrown to
 * `main` instead of exiting the process, and `examples` printed at the end of `--help`.
 */
export function newCommand(name: string, io: CliIo, examples: readonly string[]): Command {
  const command = new Command(name);
  command
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) =>
        write(
          `taptr ${name}: ${s
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')} (see taptr ${name} --help)\n`,
        ),
    })
    .addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  return command;
}

/** commander option parser: a positive integer. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

/** commander option parser factory: a positive integer multiple of `step` (e.g. a model resolution). */
export function positiveMultipleOf(step: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n % step !== 0)
      throw new InvalidArgumentError(`must be a positive multiple of ${step} (e.g. ${10 * step}).`);
    return n;
  };
}

/** commander option parser: a positive number (decimals allowed, e.g. a size in pixels). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!/^\s*(?:\d+\.?\d*|\.\d+)\s*$/.test(value) || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

/** commander option parser: a non-negative integer. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a non-negative integer.');
  return n;
}

/** commander option parser factory: one of `choices` (shown in the message when wrong). */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${choices.join(', ')}.`);
    return value as T;
  };
}
