// SPDX-License-Identifier: Apache-2.0
// The `taptr` command run from the TypeScript sources (child processes in tests:
// `node --conditions @taptr/source --import tsx test/support/taptr-from-source.ts worker ...`).
import { main } from '../../src/main.js';

process.exitCode = await main(process.argv.slice(2));
