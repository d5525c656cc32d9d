// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from './queue-url.js';

describe('parseQueueUrl', () => {
  it('reads host, port, db and credentials; rediss:// turns TLS on; the password never shows', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6380/2')).toEqual({ display: 'redis://127.0.0.1:6380/2', options: { host: '127.0.0.1', port: 6380, db: 2 } });
    expect(parseQueueUrl('redis://queue.internal')).toMatchObject({ options: { host: 'queue.internal', port: 6379, db: 0 } });
    const secure = parseQueueUrl('rediss://worker:s%40cret@redis.example.org:6390/1');
    expect(secure.options).toEqual({
      host: 'redis.example.org',
      port: 6390,
      db: 1,
      username: 'worker',
      password: 's@cret',
      tls: { servername: 'redis.example.org' },
    });
    expect(secure.display).toBe('rediss://worker:***@redis.example.org:6390/1');
    expect(parseQueueUrl('redis://:pw@[::1]:7000').options).toMatchObject({ host: '::1', port: 7000, password: 'pw' });
  });

  it.each([
    ['http://localhost:6379', /scheme 'http'/],
    ['localhost:6379', /must be redis:\/\//],
    ['redis://localhost:6379/db1', /db: a non-negative integer/],
    ['redis://localhost:6379/0?x=1', /without \?query/],
    ['not a url', /got "not a url"/],
    ['redis://u:secret@host:1/zz', /redis:\/\/u:\*\*\*@host:1\/zz/],
  ])('refuses %s with the standard message', (url, pattern) => {
    expect(() => parseQueueUrl(url)).toThrow(RangeError);
    expect(() => parseQueueUrl(url)).toThrow(/^parseQueueUrl: url must be /);
    expect(() => parseQueueUrl(url)).toThrow(pattern);
    expect(() => parseQueueUrl(url)).not.toThrow(/secret/);
  });
});
