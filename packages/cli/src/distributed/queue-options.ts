// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { isRunName, jobIdOf, parseQueueUrl, type QueueJob } from '@taptr/queue';
import { type Command, InvalidArgumentError } from 'commander';
import { positiveInt, nonNegativeInt } from '../command-kit.js';
import { UsageError } from '../usage-error.js';

/** The options `taptr eval` and `taptr track` take to run on a queue. */
export interface QueueSubmitOptions {
  readonly queue?: string;
  readonly run?: string;
  readonly attempts: number;
  readonly backoff: number;
  readonly detach?: boolean;
}

/** Adds `--queue`, `--run`, `--attempts`, `--backoff`, `--detach` to a command. */
export function addQueueOptions(command: Command): Command {
  return command
    .option(
      '--queue <redis-url>',
      'run on a queue instead of here: redis://[user:pass@]host:port[/db] or rediss://, one job per video for `taptr worker`s (docs/distributed.md)',
      queueUrl,
    )
    .option('--run <name>', 'queue run name ([A-Za-z0-9._-]; default: derived from the inputs, so the same command resumes the same run)', runName)
    .option('--attempts <n>', 'queue: tries per video before it fails', positiveInt, 3)
    .option('--backoff <ms>', 'queue: delay before the first retry, doubled at each further one', nonNegativeInt, 10_000)
    .option('--detach', 'queue: submit and return without waiting (run the same command again to collect)');
}

/** commander option parser: a run name. */
export function runName(value: string): string {
  if (!isRunName(value)) throw new InvalidArgumentError('must be [A-Za-z0-9._-], 1 to 100 characters.');
  return value;
}

/** commander option parser: a Redis URL (`redis://[user:pass@]host:port[/db]`, `rediss://`). */
export function queueUrl(value: string): string {
  try {
    parseQueueUrl(value);
  } catch {
    throw new InvalidArgumentError('must be redis://[user:pass@]host:port[/db] or rediss://... (TLS).');
  }
  return value;
}

/**
 * The run name: `--run`, or `<prefix>-<10 hex digits of the job ids>`, so that the same work
 * submitted again joins the same run.
 */
export function defaultRunName(prefix: string, jobs: readonly QueueJob[]): string {
  const digest = createHash('sha256').update(jobs.map(jobIdOf).join('\n')).digest('hex').slice(0, 10);
  const clean =
    prefix
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'run';
  return `${clean}-${digest}`;
}

/** Refuses the options that only a local run takes. */
export function refuseWithQueue(options: Readonly<Record<string, unknown>>, names: readonly [key: string, flag: string, why: string][]): void {
  for (const [key, flag, why] of names) if (options[key] !== undefined) throw new UsageError(`${flag} does not apply with --queue (${why})`);
}
