// SPDX-License-Identifier: Apache-2.0
import { createDigestCache, createPathGuard, startQueueWorker, type WorkerEvent } from '@taptr/queue';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { newCommand, positiveInt } from '../command-kit.js';
import { createEnginePool } from '../distributed/engine-pool.js';
import { createEvalProcessor } from '../distributed/eval-processor.js';
import { queueUrl } from '../distributed/queue-options.js';
import { createTrackProcessor, trackResultStands } from '../distributed/track-processor.js';
import { UsageError } from '../usage-error.js';

interface WorkerOptions {
  queue?: string;
  concurrency: number;
  threads?: number;
  allowRoot: string[];
  lockDuration: number;
  stalledInterval: number;
  name?: string;
  json?: boolean;
}

/** The signals a worker listens to (the process, unless a test gives its own). */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `taptr worker`: runs queue jobs (eval and track) until stopped. SIGTERM (or a first SIGINT)
 * finishes the running jobs and exits; a second SIGINT aborts them and gives them back to the queue.
 */
export function workerCommand(io: CliIo, signals: SignalSource = process): Command {
  return newCommand('worker', io, [
    'taptr worker --queue redis://queue.internal:6379/0 --allow-root /data',
    'taptr worker --queue rediss://worker:secret@redis.example.org:6380/1 --threads 4 --allow-root /mnt/tapvid --allow-root /mnt/models',
  ])
    .description(
      'Run jobs submitted by `taptr eval --queue` and `taptr track --queue` until stopped (SIGTERM: finish the running job, then exit; Ctrl-C twice: give it back to the queue). ' +
        'Each model is loaded once and kept while jobs use it; files are read only under --allow-root and only with the sha256 the job names. See docs/distributed.md.',
    )
    .option('--queue <redis-url>', 'redis://[user:pass@]host:port[/db] or rediss://...', queueUrl)
    .option('--concurrency <n>', 'jobs run at the same time in this process', positiveInt, 1)
    .option('--threads <n>', 'CPU threads per model session', positiveInt)
    .option('--allow-root <dir>', 'read and write only under this folder (repeatable; default: the current folder)', collect)
    .option(
      '--lock-duration <ms>',
      'a job whose worker stops renewing its lock this long goes to another worker; half of it must exceed the longest model call',
      positiveInt,
      120_000,
    )
    .option('--stalled-interval <ms>', 'how often to look for jobs of dead workers', positiveInt, 30_000)
    .option('--name <name>', 'worker name in results and status (default: host:pid)')
    .option('--json', 'print one JSON object per event (NDJSON) instead of lines')
    .action(async (options: WorkerOptions) => {
      if (options.queue === undefined) throw new UsageError('--queue is required: redis://host:port[/db]');
      const guard = await createPathGuard(options.allowRoot ?? [process.cwd()], createDigestCache());
      const pool = createEnginePool(guard, options.threads !== undefined ? { threads: options.threads } : {});
      const print = (event: WorkerEvent | { type: 'ready' | 'stopping' | 'aborting' | 'stopped'; [key: string]: unknown }): void => {
        if (options.json) {
          io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
          return;
        }
        io.stdout.write(`${new Date().toISOString()} ${describeEvent(event)}\n`);
      };
      const worker = await startQueueWorker(options.queue, {
        processors: {
          eval: createEvalProcessor(pool, guard),
          track: createTrackProcessor(pool, guard, io.env),
          reuse: (job, result) => (job.kind === 'track' && result.kind === 'track' ? trackResultStands(job, result) : true),
        },
        concurrency: options.concurrency,
        lockDurationMs: options.lockDuration,
        stalledIntervalMs: options.stalledInterval,
        ...(options.name !== undefined ? { name: options.name } : {}),
        onEvent: (event) => {
          print(event);
          if (event.type === 'fail' && event.stack !== undefined && !options.json) io.stderr.write(`${event.stack}\n`);
        },
      });
      let interrupts = 0;
      const onTerm = (): void => {
        print({ type: 'stopping', reason: 'SIGTERM' });
        void worker.stop();
      };
      const onInt = (): void => {
        interrupts++;
        if (interrupts === 1) {
          print({ type: 'stopping', reason: 'SIGINT: finishing the running job (Ctrl-C again to give it back to the queue)' });
          void worker.stop();
        } else {
          print({ type: 'aborting', reason: 'second SIGINT: the running job goes back to the queue' });
          void worker.abort();
        }
      };
      signals.on('SIGTERM', onTerm);
      signals.on('SIGINT', onInt);
      print({
        type: 'ready',
        worker: worker.name,
        queue: options.queue.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'),
        concurrency: options.concurrency,
        allowRoot: guard.roots,
      });
      try {
        await worker.closed;
      } finally {
        signals.off('SIGTERM', onTerm);
        signals.off('SIGINT', onInt);
        await pool.dispose();
      }
      print({ type: 'stopped', worker: worker.name, modelLoads: pool.loads });
    });
}

function describeEvent(event: { type: string; [key: string]: unknown }): string {
  const e = event as Record<string, unknown>;
  const s = (key: string): string => String(e[key]);
  switch (event.type) {
    case 'ready':
      return `worker ${s('worker')} ready on ${s('queue')} (concurrency ${s('concurrency')}, allow-root ${(e['allowRoot'] as string[]).join(', ')})`;
    case 'start':
      return `start ${s('name')} (${s('id')}, try ${s('attempt')}/${s('maxAttempts')})`;
    case 'skip':
      return `skip ${s('name')}: result already stored`;
    case 'done':
      return `done ${s('name')} in ${((e['ms'] as number) / 1000).toFixed(1)} s`;
    case 'fail':
      return `fail ${s('name')} (try ${s('attempt')}/${s('maxAttempts')}${e['final'] ? ', final' : ', will retry'}): ${s('error')}`;
    case 'released':
      return `released ${s('name')}: back in the queue for another worker`;
    case 'stalled':
      return `stalled ${s('id')}: its worker stopped; back in the queue`;
    case 'error':
      return `queue error: ${s('error')}`;
    case 'stopped':
      return `worker ${s('worker')} stopped (${s('modelLoads')} model loads)`;
    default:
      return `${event.type}${e['reason'] !== undefined ? `: ${s('reason')}` : ''}`;
  }
}
