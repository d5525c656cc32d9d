// SPDX-License-Identifier: Apache-2.0
import { invalidArgument } from '@taptr/tensor';
import type { RedisOptions } from 'ioredis';

/** A parsed `--queue` URL. */
export interface QueueUrl {
  /** The URL with its password replaced by `***`, for messages and status output. */
  readonly display: string;
  /** ioredis connection options (host, port, db, credentials, TLS for `rediss://`). */
  readonly options: RedisOptions;
}

const FN = 'parseQueueUrl';
const EXPECTED = 'redis://[user:pass@]host:port[/db] or rediss://...';

/**
 * Parses a Redis URL: `redis://[user:pass@]host[:port][/db]`, or `rediss://` for TLS (the server
 * name checked against the certificate is the host). Port defaults to 6379, db to 0.
 * @throws TypeError / RangeError (`parseQueueUrl: url must be redis://..., got ...`) for anything else.
 */
export function parseQueueUrl(url: string): QueueUrl {
  if (typeof url !== 'string') throw invalidArgument('type', FN, 'url', EXPECTED, typeof url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument('range', FN, 'url', EXPECTED, JSON.stringify(url));
  }
  const tls = parsed.protocol === 'rediss:';
  if (parsed.protocol !== 'redis:' && !tls)
    throw invalidArgument('range', FN, 'url', EXPECTED, `scheme '${parsed.protocol.replace(/:$/, '')}' (${mask(parsed)})`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw invalidArgument('range', FN, 'url', `${EXPECTED} with a host`, mask(parsed));
  if (parsed.search !== '' || parsed.hash !== '') throw invalidArgument('range', FN, 'url', `${EXPECTED} without ?query or #fragment`, mask(parsed));
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) throw invalidArgument('range', FN, 'url', `${EXPECTED} (db: a non-negative integer)`, mask(parsed));
  const db = path === '' ? 0 : Number(path);
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  return {
    display: mask(parsed),
    options: {
      host,
      port,
      db,
      ...(username !== '' ? { username } : {}),
      ...(password !== '' ? { password } : {}),
      ...(tls ? { tls: { servername: host } } : {}),
    },
  };
}

function mask(url: URL): string {
  if (url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}
