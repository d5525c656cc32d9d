// SPDX-License-Identifier: Apache-2.0
// The `taptr` command from the sources with its stderr taken for a terminal, so that the progress
// bars are drawn into the pipe (tests that act once tracking has started):
// `node --conditions @taptr/source --import tsx test/support/taptr-terminal-stderr.ts track ...`.
Object.defineProperty(process.stderr, 'isTTY', { value: true });
const { main } = await import('../../src/main.js');
process.exitCode = await main(process.argv.slice(2));
