// SPDX-License-Identifier: Apache-2.0
// `npm test`: every project's typecheck, lint and tests through nx, then the repository-wide checks
// (ESLint on the root files no project owns, Prettier, knip), then one closing summary for the whole
// run: the skipped tests with their reasons (from skip-reporter.ts), the result of each check, then the
// line `tests: N passed, N failed[, N skipped]`. .ci/run calls `npm test` and nothing else.
import { spawn, spawnSync } from 'node:child_process';
import { SKIP_LINE_PREFIX } from './skip-reporter.js';

// eslint-disable-next-line no-control-regex -- ESC is exactly what an ANSI colour code starts with
const ANSI = /\x1b\[[0-9;]*m/g;

/** The checks of the whole repository after the projects' targets: name and `npx` arguments. */
const REPO_CHECKS: readonly (readonly [string, string[]])[] = [
  ['eslint (root files)', ['eslint', '*.js', '*.ts']],
  ['prettier', ['prettier', '--check', '--log-level', 'warn', '.']],
  ['knip', ['knip', '--no-progress']],
];

/** Totals of vitest's `Tests  3 failed | 91 passed | 1 skipped (95)` lines. */
interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

function addSummaryLine(line: string, totals: Totals): void {
  const m = /^\s*Tests\s+(.*)$/.exec(line);
  if (!m) return;
  for (const [, count, what] of m[1]!.matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    if (what === 'passed') totals.passed += Number(count);
    else if (what === 'failed') totals.failed += Number(count);
    else totals.skipped += Number(count);
  }
}

async function main(): Promise<number> {
  const args = ['nx', 'run-many', '-t', 'typecheck', 'lint', 'test', '--output-style=static', ...process.argv.slice(2)];
  const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.env['FORCE_COLOR'] ?? '1' } });
  const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
  const skipped: string[] = [];
  let pending = '';
  const scan = (text: string): void => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const raw of lines) {
      const line = raw.replace(ANSI, '');
      addSummaryLine(line, totals);
      const at = line.indexOf(SKIP_LINE_PREFIX);
      if (at >= 0) skipped.push(line.slice(at + SKIP_LINE_PREFIX.length).trim());
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    scan(chunk.toString('utf8'));
  });
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  let code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  scan('\n');
  process.stdout.write('\n');
  for (const s of skipped) process.stdout.write(`skipped: ${s}\n`);
  const checks = REPO_CHECKS.map(([name, command]) => {
    const run = spawnSync('npx', command, { stdio: 'inherit' });
    process.stdout.write(`${name}: ${run.status === 0 ? 'ok' : 'FAILED'}\n`);
    return run.status === 0;
  });
  if (code === 0 && checks.includes(false)) code = 1;
  const status = code === 0 ? 'all typechecks, lints, tests and checks passed' : `FAILED (exit ${code})`;
  process.stdout.write(`npm test: ${status}\n`);
  process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''}\n`);
  return code;
}

process.exitCode = await main();
