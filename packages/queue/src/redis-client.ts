// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import { Redis } from 'ioredis';
import type { QueueUrl } from './queue-url.js';

/** Default key prefix of everything taptr keeps in Redis. */
export const DEFAULT_PREFIX = 'taptr';

/**
 * Opens an ioredis client and waits until Redis answers a PING (at most `timeoutMs`). Afterwards
 * the client reconnects by itself (commands wait, never fail for a lost connection).
 * @throws TaptrError `TAPTR_NETWORK` naming the URL (password hidden) and the reason.
 */
export async function connectRedis(url: QueueUrl, timeoutMs = 10_000): Promise<Redis> {
  const client = new Redis({ ...url.options, lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true, connectTimeout: timeoutMs });
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(lastError ?? new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    client.disconnect();
    const reason = (lastError ?? (error as Error)).message.split('\n')[0];
    throw new TaptrError('TAPTR_NETWORK', `cannot reach Redis at ${url.display}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** The Redis keys of taptr's own records (BullMQ keeps its jobs under `<prefix>:jobs:*`). */
export function redisKeys(prefix: string): {
  readonly result: (key: string) => string;
  readonly runs: string;
  readonly run: (name: string) => string;
  readonly runJobs: (name: string) => string;
} {
  return {
    result: (key) => `${prefix}:result:${key}`,
    runs: `${prefix}:runs`,
    run: (name) => `${prefix}:run:${name}`,
    runJobs: (name) => `${prefix}:run:${name}:jobs`,
  };
}

/** BullMQ queue name (under the prefix). */
export const QUEUE_NAME = 'jobs';
