// SPDX-License-Identifier: Apache-2.0
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sampleDatasetPath } from '../assets.js';
import { runCli } from '../test-io.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('taptr queue / worker / --queue: arguments', () => {
  it('--queue must be a Redis URL: usage error (exit 2) naming the option', async () => {
    for (const argv of [
      ['queue', 'status', '--queue', 'http://localhost:6379'],
      ['worker', '--queue', 'localhost:6379'],
      ['eval', sampleDatasetPath(), '--baseline', 'stationary', '--mode', 'first', '--queue', 'redis://h:1/x'],
    ]) {
      const run = await runCli(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toMatch(
        /^taptr (queue status|worker|eval): option '--queue <redis-url>' argument '.*' is invalid\. must be redis:\/\/\[user:pass@\]host:port\[\/db\] or rediss:\/\/\.\.\. \(TLS\)\. \(see taptr (queue status|worker|eval) --help\)\n$/,
      );
    }
    expect(await runCli(['queue', 'status'])).toMatchObject({ code: 2, stderr: 'taptr queue: --queue is required: redis://host:port[/db]\n' });
    expect(await runCli(['worker'])).toMatchObject({ code: 2, stderr: 'taptr worker: --queue is required: redis://host:port[/db]\n' });
    expect((await runCli(['queue', 'status', '--queue', 'redis://127.0.0.1:1', '--run', 'a b'])).stderr).toMatch(
      /argument 'a b' is invalid\. must be \[A-Za-z0-9\._-\], 1 to 100 characters/,
    );
  });

  it('options of a local run are refused with --queue', async () => {
    const run = await runCli(['eval', sampleDatasetPath(), '--baseline', 'stationary', '--mode', 'first', '--queue', 'redis://127.0.0.1:1', '--threads', '2']);
    expect(run).toMatchObject({ code: 2, stderr: 'taptr eval: --threads does not apply with --queue (each worker sets its own: taptr worker --threads N)\n' });
    const track = await runCli(['track', 'clips/', '--baseline', 'stationary', '--grid', '2', '--queue', 'redis://127.0.0.1:1']);
    expect(track).toMatchObject({
      code: 2,
      stderr: 'taptr track: --out-dir is required with --queue (one tracks file per video goes there; every worker must reach it)\n',
    });
    const overlay = await runCli([
      'track',
      'clips/',
      '--baseline',
      'stationary',
      '--grid',
      '2',
      '--queue',
      'redis://127.0.0.1:1',
      '--out-dir',
      'o',
      '--overlay',
      'x.mp4',
    ]);
    expect(overlay.stderr).toBe('taptr track: --overlay does not apply with --queue (overlays are rendered by a local taptr track)\n');
    expect((await runCli(['track', 'clip.mp4', '--baseline', 'stationary', '--grid', '2', '--out', 'x.json', '--out-dir', 'o'])).stderr).toBe(
      'taptr track: --out-dir needs --queue (a local run writes --out)\n',
    );
  });

  it('an unreachable Redis is one line, exit 1', async () => {
    const port = await closedPort();
    const run = await runCli(['queue', 'status', '--queue', `redis://127.0.0.1:${port}/0`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^taptr queue: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: .*ECONNREFUSED.*\\n$`));
  });
});
