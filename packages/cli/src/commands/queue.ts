// SPDX-License-Identifier: Apache-2.0
import { openTaptrQueue, type RunView, type TaptrQueue } from '@taptr/queue';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { newCommand } from '../command-kit.js';
import { queueUrl, runName } from '../distributed/queue-options.js';
import { UsageError } from '../usage-error.js';

interface QueueOptions {
  queue?: string;
  run?: string;
  results?: boolean;
  json?: boolean;
}

/** A sub-command of `taptr queue` whose usage errors read `taptr queue <name>: ...`. */
function subCommand(io: CliIo, name: string): Command {
  return new Command(name)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) =>
        write(
          `taptr queue ${name}: ${s
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')} (see taptr queue ${name} --help)\n`,
        ),
    })
    .option('--queue <redis-url>', 'redis://[user:pass@]host:port[/db] or rediss://...', queueUrl)
    .option('--run <name>', 'only this run (default: every run)', runName);
}

async function withQueue<T>(options: QueueOptions, use: (queue: TaptrQueue) => Promise<T>): Promise<T> {
  if (options.queue === undefined) throw new UsageError('--queue is required: redis://host:port[/db]');
  const queue = await openTaptrQueue(options.queue);
  try {
    return await use(queue);
  } finally {
    await queue.close();
  }
}

/** `taptr queue status|retry|clean`: look after the runs of a queue. */
export function queueCommand(io: CliIo): Command {
  const status = subCommand(io, 'status')
    .description('waiting / active / delayed (retry pending) / done / failed per run, and each failure with its one-line error')
    .option('--json', 'print the runs as JSON')
    .action(async (options: QueueOptions) =>
      withQueue(options, async (queue) => {
        const names = options.run !== undefined ? [options.run] : await queue.runs();
        const views: RunView[] = [];
        for (const name of names) views.push(await queue.inspect(name));
        if (options.json) {
          const runs = views.map((v) => ({
            run: v.run,
            kind: v.kind,
            created: new Date(v.created).toISOString(),
            meta: v.meta,
            total: v.jobs.length,
            counts: v.counts,
            failures: v.jobs
              .filter((j) => j.error !== undefined)
              .map((j) => ({ id: j.id, name: j.name, state: j.state, attempts: j.attempts, maxAttempts: j.maxAttempts, error: j.error })),
            active: v.jobs.filter((j) => j.state === 'active').map((j) => ({ id: j.id, name: j.name, progress: j.progress ?? null })),
          }));
          io.stdout.write(`${JSON.stringify({ queue: queue.url, runs })}\n`);
          return;
        }
        if (views.length === 0) io.stdout.write(`no runs on ${queue.url}\n`);
        for (const v of views) {
          const c = v.counts;
          io.stdout.write(
            `${v.run} (${v.kind}, ${v.jobs.length} videos): ${c.done} done, ${c.active} active, ${c.waiting} waiting, ${c.delayed} delayed, ${c.failed} failed${c.missing > 0 ? `, ${c.missing} missing` : ''}\n`,
          );
          for (const j of v.jobs) {
            if (j.state === 'active' && j.progress !== undefined) io.stdout.write(`  running ${j.name}: ${j.progress.done}/${j.progress.total}\n`);
            if (j.error !== undefined) io.stdout.write(`  ${j.state} ${j.name} (try ${j.attempts}/${j.maxAttempts}): ${j.error}\n`);
          }
        }
      }),
    );
  const retry = subCommand(io, 'retry')
    .description('send the failed jobs back to the queue (tries counted from zero again)')
    .action(async (options: QueueOptions) =>
      withQueue(options, async (queue) => {
        const count = await queue.retry(options.run);
        io.stdout.write(`${count} failed job${count === 1 ? '' : 's'} sent back to the queue${options.run !== undefined ? ` (run ${options.run})` : ''}\n`);
      }),
    );
  const clean = subCommand(io, 'clean')
    .description('forget a run (every run without --run): its record and its waiting and failed jobs; stored results stay unless --results')
    .option('--results', 'also delete the stored results (the next submit runs everything again)')
    .action(async (options: QueueOptions) =>
      withQueue(options, async (queue) => {
        const removed = await queue.clean(options.run, { results: options.results === true });
        io.stdout.write(
          `removed ${removed.runs} run${removed.runs === 1 ? '' : 's'}, ${removed.jobs} job${removed.jobs === 1 ? '' : 's'}, ${removed.results} result${removed.results === 1 ? '' : 's'}\n`,
        );
      }),
    );
  return newCommand('queue', io, [
    'taptr queue status --queue redis://queue.internal:6379/0',
    'taptr queue status --queue redis://queue.internal:6379/0 --run davis-first --json',
    'taptr queue retry --queue redis://queue.internal:6379/0 --run davis-first',
    'taptr queue clean --queue redis://queue.internal:6379/0 --run davis-first',
  ])
    .description('Look after the runs of a queue (taptr eval/track --queue, taptr worker): status, retry failed jobs, clean. See docs/distributed.md.')
    .addCommand(status)
    .addCommand(retry)
    .addCommand(clean);
}
