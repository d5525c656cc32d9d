// SPDX-License-Identifier: Apache-2.0
// Runs the `taptr` command from its sources (the browser tests compare the page with it):
//   tsx --conditions=@taptr/source test/taptr-cli.mjs track ...
// Plain JS on purpose: the CLI is node code, outside the page's DOM typecheck.
import { main } from '@taptr/cli';

process.exitCode = await main(process.argv.slice(2));
