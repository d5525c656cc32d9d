// SPDX-License-Identifier: Apache-2.0
// taptr eval/track --queue with two `taptr worker` processes on a private redis-server, the bundled
// reference model and the bundled TAP-Vid sample: one worker killed with SIGKILL in the middle of a
// job, metrics bit-equal to the single-process run, a second submit runs nothing, a path outside
// --allow-root fails with its reason.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openTaptrQueue, type TaptrQueue } from '@taptr/queue';
import { redisUnavailableReason, startTestRedis, type TestRedis } from '@taptr/queue/testing';
import { readNpy, tensor, writeNpy } from '@taptr/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceModelDir, sampleDatasetPath } from '../src/assets.js';
import { runCli } from '../src/test-io.js';
import { type CliProcess, startCli } from './support/cli-process.js';

const skip = redisUnavailableReason();
const REF = referenceModelDir();
const MODEL = ['--model', join(REF, 'checkpoint.pth'), '--config', join(REF, 'config.json')];
const SAMPLE = sampleDatasetPath();
// Strided queries without padding: a few seconds per video on the reference model, long enough to
// kill a worker in the middle of one.
const EVAL = ['eval', SAMPLE, ...MODEL, '--mode', 'strided', '--pad-queries', '0'];

let redis: TestRedis;
let queue: TaptrQueue;
let allowed: string;
let outside: string;
const workers: CliProcess[] = [];

// A short lock so that a killed worker's job moves on within seconds; half of it (renewal interval)
// must still exceed the longest model call on a loaded machine (onnxruntime-node runs each call on
// the event loop, which renews the lock).
function startWorker(name: string): CliProcess {
  const worker = startCli([
    'worker',
    '--queue',
    redis.url,
    '--threads',
    '1',
    '--lock-duration',
    '6000',
    '--stalled-interval',
    '500',
    '--name',
    name,
    '--allow-root',
    REF,
    '--allow-root',
    dirname(SAMPLE),
    '--allow-root',
    allowed,
  ]);
  workers.push(worker);
  return worker;
}

const alive = (): CliProcess[] => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);

async function until<T>(probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 40));
  }
}

/**
 * Waits until a job of `run` is running and has reported progress (its model is loaded and it is
 * computing), then kills the worker running it with SIGKILL. Returns the job and both workers.
 */
async function killMidJob(run: string): Promise<{ id: string; name: string; killed: CliProcess; survivor: CliProcess }> {
  const { id, name } = await until(async () => (await queue.inspect(run)).jobs.find((j) => j.state === 'active' && j.progress !== undefined));
  const holder = (w: CliProcess): boolean => {
    const lines = w.stdout().split('\n');
    const start = lines.findLastIndex((l) => l.includes(` start `) && l.includes(`(${id},`));
    return start >= 0 && !lines.slice(start).some((l) => l.includes(` done ${name} `));
  };
  const killed = alive().find(holder);
  if (killed === undefined) throw new Error(`no live worker holds ${id}`);
  killed.child.kill('SIGKILL');
  expect(await killed.exited).toBe('SIGKILL');
  const survivor = alive()[0]!;
  return { id, name, killed, survivor };
}

/** Every number as the hex of its float64 bits, so that equal means bit-equal. */
function bits(value: unknown): unknown {
  if (typeof value === 'number') return Buffer.from(Float64Array.of(value).buffer).toString('hex');
  if (Array.isArray(value)) return value.map(bits);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bits(v)]));
  return value;
}

/** The eval document without what differs from run to run (wall-clock times). */
function metricsOf(stdout: string): unknown {
  const doc = JSON.parse(stdout) as { timings?: unknown; videos: { ms?: number }[] };
  delete doc.timings;
  for (const v of doc.videos) delete v.ms;
  return doc;
}

const starts = (w: CliProcess): number =>
  w
    .stdout()
    .split('\n')
    .filter((l) => l.includes(' start ')).length;

beforeAll(async () => {
  if (skip !== undefined) return;
  redis = await startTestRedis();
  queue = await openTaptrQueue(redis.url);
  allowed = mkdtempSync(join(tmpdir(), 'taptr-queue-allowed-'));
  outside = mkdtempSync(join(tmpdir(), 'taptr-queue-outside-'));
  await Promise.all([startWorker('worker-a'), startWorker('worker-b')].map((w) => w.waitFor(/ ready on /)));
}, 120_000);

afterAll(async () => {
  // SIGTERM: each live worker finishes (nothing is running now) and exits 0.
  const stopping = alive();
  for (const w of stopping) w.child.kill('SIGTERM');
  const codes = await Promise.all(stopping.map((w) => w.exited));
  await queue?.close();
  await redis?.stop();
  if (allowed) rmSync(allowed, { recursive: true, force: true });
  if (outside) rmSync(outside, { recursive: true, force: true });
  expect(codes.every((c) => c === 0)).toBe(true);
  for (const w of stopping) expect(w.stdout()).toMatch(/ worker \S+ stopped \(1 model loads\)/);
}, 60_000);

describe.skipIf(skip !== undefined)(`distributed eval and tracking on BullMQ + redis-server${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('eval --queue: a worker killed mid-job loses it to the other; the metrics are bit-equal to the single-process run; a second submit runs nothing', async () => {
    const local = await runCli([...EVAL, '--threads', '1', '--json']);
    expect(local.code, local.stderr).toBe(0);

    const out = join(allowed, 'metrics.json');
    const submitting = runCli([...EVAL, '--queue', redis.url, '--run', 'kill-eval', '--backoff', '200', '--json', '--out', out]);
    const { id, name, killed, survivor } = await killMidJob('kill-eval');
    const queued = await submitting;
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stderr).toMatch(
      /^run kill-eval on redis:\/\/127\.0\.0\.1:\d+\/0: 2 videos \(0 already done, 2 queued, 0 retried, 0 already in the queue\)$/m,
    );

    // The killed worker started the job and never finished it; the survivor took it over.
    expect(killed.stdout()).toContain(`(${id}, try 1/3)`);
    expect(killed.stdout()).not.toContain(` done ${name} `);
    expect(survivor.stdout()).toContain(` stalled ${id}: its worker stopped; back in the queue`);
    expect(survivor.stdout()).toMatch(new RegExp(` done ${name} in `));
    const view = await queue.inspect('kill-eval');
    expect(view.counts).toEqual({ done: 2, waiting: 0, active: 0, delayed: 0, failed: 0, missing: 0 });
    expect(view.jobs.find((j) => j.id === id)!.result!.worker).toBe(survivor === workers[0] ? 'worker-a' : 'worker-b');

    // Exactly the single-process document (every metric of every video and the mean, bit for bit).
    expect(bits(metricsOf(queued.stdout))).toEqual(bits(metricsOf(local.stdout)));
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(queued.stdout));

    // Resubmitting runs nothing: every video's result is stored under its key.
    const before = starts(survivor);
    const again = await runCli([...EVAL, '--queue', redis.url, '--run', 'kill-eval', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('2 videos (2 already done, 0 queued, 0 retried, 0 already in the queue)');
    expect(bits(metricsOf(again.stdout))).toEqual(bits(metricsOf(local.stdout)));
    await new Promise((r) => setTimeout(r, 300));
    expect(starts(survivor)).toBe(before);

    await startWorker('worker-c').waitFor(/ ready on /);
  }, 120_000);

  it('a job naming a dataset outside --allow-root fails with its reason; queue status shows it, retry and clean work', async () => {
    const copy = join(outside, 'tapvid_davis.pkl');
    copyFileSync(SAMPLE, copy);
    const run = await runCli(['eval', copy, ...MODEL, '--mode', 'first', '--pad-queries', '0', '--queue', redis.url, '--run', 'outside', '--attempts', '1']);
    expect(run.code).toBe(1);
    const reason = `TAPTR_PATH_FORBIDDEN: dataset file ${copy} is outside --allow-root`;
    expect(run.stderr).toContain(`  alpha-walk: ${reason}`);
    expect(run.stderr).toContain(`  bravo-car: ${reason}`);
    expect(run.stderr).toMatch(/^taptr eval: 2 of 2 videos of run outside failed \(above\); finished videos are kept/m);

    const status = await runCli(['queue', 'status', '--queue', redis.url, '--run', 'outside']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^outside \(eval, 2 videos\): 0 done, 0 active, 0 waiting, 0 delayed, 2 failed$/m);
    expect(status.stdout).toContain(`  failed alpha-walk (try 1/1): ${reason}`);
    const json = JSON.parse((await runCli(['queue', 'status', '--queue', redis.url, '--json'])).stdout) as {
      runs: { run: string; counts: Record<string, number> }[];
    };
    expect(json.runs.map((r) => [r.run, r.counts['done'], r.counts['failed']])).toEqual([
      ['kill-eval', 2, 0],
      ['outside', 0, 2],
    ]);

    expect((await runCli(['queue', 'retry', '--queue', redis.url, '--run', 'outside'])).stdout).toBe('2 failed jobs sent back to the queue (run outside)\n');
    await until(async () => ((await queue.inspect('outside')).counts.failed === 2 ? true : undefined));
    expect((await runCli(['queue', 'clean', '--queue', redis.url, '--run', 'outside'])).stdout).toBe('removed 1 run, 2 jobs, 0 results\n');
    expect(await queue.runs()).toEqual(['kill-eval']);
  });

  it('track --queue: a worker killed mid-job loses it; the tracks equal the single-process ones; present outputs are skipped; a video outside --allow-root fails', async () => {
    const videos = join(allowed, 'videos');
    mkdirSync(videos);
    const reference = readNpy(new Uint8Array(readFileSync(join(REF, 'video.npy'))));
    const [, H, W] = reference.dims as [number, number, number, number];
    const clip = (frames: number, file: string): void =>
      writeFileSync(join(videos, file), writeNpy(tensor('uint8', [frames, H, W, 3], (reference.data as Uint8Array).slice(0, frames * H * W * 3))));
    clip(16, 'a.npy');
    clip(10, 'b.npy');
    const TRACK = [...MODEL, '--grid', '3'];
    for (const v of ['a', 'b']) {
      const local = await runCli(['track', join(videos, `${v}.npy`), ...TRACK, '--threads', '1', '--out', join(allowed, `local-${v}.json`)]);
      expect(local.code, local.stderr).toBe(0);
    }
    const outDir = join(allowed, 'tracks');
    const command = ['track', videos, ...TRACK, '--queue', redis.url, '--run', 'kill-track', '--backoff', '200', '--out-dir', outDir, '--json'];
    const submitting = runCli(command);
    const { id, name, killed, survivor } = await killMidJob('kill-track');
    const queued = await submitting;
    expect(queued.code, queued.stderr).toBe(0);
    expect(killed.stdout()).not.toContain(` done ${name} `);
    expect(survivor.stdout()).toContain(` stalled ${id}: its worker stopped; back in the queue`);
    const report = JSON.parse(queued.stdout) as { videos: { out: string; frames: number; points: number }[]; alreadyDone: number };
    expect(report.videos.map((v) => [v.out, v.frames, v.points])).toEqual([
      [join(outDir, 'a.json'), 16, 9],
      [join(outDir, 'b.json'), 10, 9],
    ]);
    // Same tracks file as `taptr track` here, but for the wall-clock times and where the worker found the model.
    const comparable = (file: string): unknown => {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { timings?: unknown; model: { path?: unknown } };
      delete doc.timings;
      delete doc.model.path;
      return doc;
    };
    for (const v of ['a', 'b']) expect(bits(comparable(join(outDir, `${v}.json`)))).toEqual(bits(comparable(join(allowed, `local-${v}.json`))));

    // Present outputs from the same inputs are skipped; a deleted one is tracked again, alone.
    const mtime = statSync(join(outDir, 'a.json')).mtimeMs;
    const again = await runCli(command);
    expect(again.stderr).toContain('2 videos (2 already done, 0 queued, 0 retried, 0 already in the queue)');
    rmSync(join(outDir, 'b.json'));
    const redo = await runCli(command);
    expect(redo.code, redo.stderr).toBe(0);
    expect(redo.stderr).toContain('2 videos (1 already done, 1 queued, 0 retried, 0 already in the queue)');
    expect(statSync(join(outDir, 'a.json')).mtimeMs).toBe(mtime);
    expect(bits(comparable(join(outDir, 'b.json')))).toEqual(bits(comparable(join(allowed, 'local-b.json'))));

    copyFileSync(join(videos, 'b.npy'), join(outside, 'c.npy'));
    const denied = await runCli(['track', join(outside, 'c.npy'), ...TRACK, '--queue', redis.url, '--attempts', '1', '--out-dir', join(allowed, 'denied')]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(`  c.npy: TAPTR_PATH_FORBIDDEN: video ${join(outside, 'c.npy')} is outside --allow-root`);
  }, 180_000);
});
