// SPDX-License-Identifier: Apache-2.0
// Serves the built page (dist/) with COOP/COEP headers: `npm run serve` (builds first).
// Options: --port <n> (default 5173, env PORT), --host <addr> (default 127.0.0.1).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../src/server/static-server.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const port = Number(flag('--port') ?? process.env['PORT'] ?? 5173);
const host = flag('--host') ?? '127.0.0.1';
const server = await startStaticServer({ root, port, host });
process.stdout.write(`TAPTR web page: ${server.url}  (cross-origin isolated; Ctrl+C to stop)\n`);
