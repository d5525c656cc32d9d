// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-io.js';

describe('taptr --help', () => {
  it.each(['demo', 'track', 'convert', 'fetch', 'eval', 'worker', 'queue'])('%s --help lists its options and examples', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: taptr ${command}`);
    expect(run.stdout).toMatch(new RegExp(`Examples:\\n  \\$ taptr ${command}`));
  });

  it('lists every command at the top level, and an unknown command is a one-line usage error', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['demo', 'track', 'convert', 'fetch', 'eval', 'worker', 'queue']) expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    const unknown = await runCli(['trak']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^taptr: unknown command 'trak'.*\n$/);
  });
});

describe('taptr --version', () => {
  it('prints the version of @taptr/cli (its package.json) and exits 0, as --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      expect(await runCli([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
    expect((await runCli(['--help'])).stdout).toContain('-V, --version');
  });
});
