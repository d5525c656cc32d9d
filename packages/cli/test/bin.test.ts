// SPDX-License-Identifier: Apache-2.0
// Runs the built `taptr` bin once as a real process (exit codes, streams). `npm ci` builds dist/
// through the root `prepare` script; by hand: `npx nx run @taptr/cli:build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(packageDir, 'bin', 'taptr.js');
const dir = mkdtempSync(join(tmpdir(), 'taptr-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function taptr(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/taptr.js (built)', () => {
  it('has been built (run `npx nx run @taptr/cli:build`)', () => {
    expect(existsSync(join(packageDir, 'dist', 'main.js'))).toBe(true);
  });

  it('prints help with examples and exits 0', () => {
    const r = taptr('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Examples:');
    for (const command of ['demo', 'track', 'fetch']) expect(r.stdout).toContain(command);
  });

  it('exits 2 with one line on stderr for a usage error, without a stack trace', () => {
    const r = taptr('track', 'clip.mp4', '--grid', 'x');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('    at ');
  });

  it('exits 1 with one line for a runtime error', () => {
    const r = taptr('track', 'missing.mp4', '--baseline', 'stationary', '--grid', '2', '--out', 'x.json');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`taptr track: missing.mp4: no such file or folder\n`);
  });

  it('runs the demo end to end', () => {
    const r = taptr('demo', '--out', 'demo', '--json');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { files: Record<string, string>; note: string; metrics: { mean: Record<string, number | null> } };
    for (const file of Object.values(report.files)) expect(existsSync(file)).toBe(true);
    expect(report.note).toMatch(/random weights/);
    expect(Object.keys(report.metrics.mean)).toContain('average_jaccard');
  });
});
