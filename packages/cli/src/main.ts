// SPDX-License-Identifier: Apache-2.0

/**
 * Entry point of the `taptr` command. Returns the process exit code
 * (0 success, 1 runtime error, 2 usage error).
 */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`taptr: not implemented yet (${argv.join(' ')})\n`);
  return 0;
}
