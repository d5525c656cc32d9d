// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TaptrError } from '@taptr/tensor';
import { fetch, type Response } from 'undici';
import { type DownloadEnv, proxyDispatcher, proxyFor } from './proxy-dispatcher.js';

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** http(s) URL to download. */
  readonly url: string;
  /** Final path; bytes arrive in `<dest>.part` first and are renamed once verified. */
  readonly dest: string;
  /**
   * Expected sha256 (64 hex digits). When omitted, a sha256 announced by the server
   * (Hugging Face's `X-Linked-Etag` on its redirect) is used if present.
   */
  readonly sha256?: string;
  /** Attempts after a cut connection (each resumes where the last stopped). Defaults to 5. */
  readonly retries?: number;
  /**
   * Request headers (e.g. `Authorization: Bearer <HF_TOKEN>`), sent only to the origin of `url`,
   * never to the hosts it redirects to (signed CDN URLs need none).
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Where the proxy settings are read (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`); default `process.env`. */
  readonly env?: DownloadEnv;
  /** Stops the download (the `.part` file stays for a later resume); rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called as bytes arrive: bytes in the file so far, and the total when the server gave it. */
  readonly onProgress?: (received: number, total: number | undefined) => void;
  /** Called when an attempt fails and the download resumes. */
  readonly onRetry?: (attempt: number, error: Error, resumeAt: number) => void;
}

/** Result of {@link downloadFile}. */
export interface DownloadResult {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  /** True when `sha256` was checked against an expected value (given or announced). */
  readonly verified: boolean;
  /** The sha256 the server announced (`X-Linked-Etag`), when it did. */
  readonly announcedSha256?: string;
  /** True when the file was already complete in the cache and nothing was downloaded. */
  readonly cached: boolean;
  /** Number of times a cut download was resumed with an HTTP Range request. */
  readonly resumed: number;
}

const MAX_REDIRECTS = 10;

/** Errors of {@link downloadFile} raised because the server (or proxy) could not be reached at all. */
const unreachable = new WeakSet<object>();

/**
 * True when `error` is a {@link downloadFile} failure to reach the server or the proxy at all (DNS
 * failure, connection refused or reset, a proxy that refuses the tunnel): the machine is offline or
 * behind a proxy that is not configured. HTTP errors and cut downloads are not.
 */
export function isUnreachableError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && unreachable.has(error);
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** The first `code` (or message) found along an error's `cause` chain: `ENOTFOUND`, `ECONNREFUSED`, ... */
function rootCause(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, message: text, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    if (typeof text === 'string' && text !== '' && text !== 'fetch failed') message = text;
    current = cause;
  }
  return message;
}

/** One GET, following redirects by hand so that a sha256 announced on a redirect is seen. */
async function request(options: DownloadOptions, offset: number): Promise<{ response: Response; announced: string | undefined }> {
  const { url } = options;
  const origin = new URL(url).origin;
  const dispatcher = proxyDispatcher(options.env ?? process.env);
  let current = url;
  let announced: string | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = {
      ...(new URL(current).origin === origin ? options.headers : {}),
      ...(offset > 0 ? { range: `bytes=${offset}-` } : {}),
    };
    let response: Response;
    try {
      response = await fetch(current, { redirect: 'manual', headers, dispatcher, ...(options.signal !== undefined ? { signal: options.signal } : {}) });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const proxy = proxyFor(current, options.env ?? process.env);
      const failure = new TaptrError(
        'TAPTR_NETWORK',
        `cannot reach ${current}${proxy !== undefined ? ` through the proxy ${proxy}` : ''}: ${rootCause(error)}`,
        { cause: error },
      );
      unreachable.add(failure);
      throw failure;
    }
    const etag = (response.headers.get('x-linked-etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
    if (/^[0-9a-f]{64}$/i.test(etag)) announced = etag.toLowerCase();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    return { response, announced };
  }
  throw new TaptrError('TAPTR_NETWORK', `${url}: more than ${MAX_REDIRECTS} redirects`);
}

/**
 * Downloads `url` to `dest` with resume and checksum verification. Bytes go to `<dest>.part`; an
 * existing `.part` is resumed with an HTTP `Range` request, and a connection cut mid-way is
 * resumed the same way (at most `retries` times). Once complete, the sha256 is checked and the
 * file renamed to `dest`. An existing `dest` whose checksum matches (or with no checksum to
 * check) is returned as is, without any request. Requests go through `HTTPS_PROXY` / `HTTP_PROXY`
 * unless `NO_PROXY` names the host (see {@link proxyDispatcher}).
 * @throws TaptrError `TAPTR_NETWORK` (unreachable: {@link isUnreachableError}; HTTP error; too many
 *   cuts), `TAPTR_CHECKSUM_MISMATCH` (the `.part` file is deleted), `TAPTR_IO` (cannot write the
 *   cache); the signal's reason when aborted.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const { url, dest } = options;
  const expectedGiven = options.sha256?.toLowerCase();
  if (expectedGiven !== undefined && !/^[0-9a-f]{64}$/.test(expectedGiven)) {
    throw new TaptrError('TAPTR_INVALID_ARGUMENT', `--sha256 must be 64 hexadecimal digits, got ${JSON.stringify(options.sha256)}`);
  }
  const retries = options.retries ?? 5;
  try {
    await mkdir(dirname(dest), { recursive: true });
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `cannot create the cache folder ${dirname(dest)} (${(error as NodeJS.ErrnoException).code})`, { cause: error });
  }

  const existing = await sizeOf(dest);
  if (existing !== undefined) {
    const sha256 = await sha256File(dest);
    if (expectedGiven === undefined || sha256 === expectedGiven) {
      return { path: dest, bytes: existing, sha256, verified: expectedGiven !== undefined, cached: true, resumed: 0 };
    }
    // A stale or corrupt file in the cache: download again.
  }

  const part = `${dest}.part`;
  let announced: string | undefined;
  let resumed = 0;
  let total: number | undefined;
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    const offset = (await sizeOf(part)) ?? 0;
    if (total !== undefined && offset === total) break;
    const reply = await request(options, offset);
    const { response } = reply;
    announced = reply.announced ?? announced;
    if (response.status === 416 && offset > 0) {
      // Range not satisfiable: the .part already holds the whole file.
      await response.body?.cancel();
      break;
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new TaptrError('TAPTR_NETWORK', `GET ${url}: HTTP ${response.status} ${response.statusText}`.trim());
    }
    const append = response.status === 206 && offset > 0;
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const range = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '');
    total = range !== null ? Number(range[1]) : Number.isFinite(length) ? (append ? offset : 0) + length : undefined;
    let received = append ? offset : 0;
    const file = await open(part, append ? 'a' : 'w').catch((error: unknown) => {
      throw new TaptrError('TAPTR_IO', `cannot write ${part} (${(error as NodeJS.ErrnoException).code})`, { cause: error });
    });
    let cut: Error | undefined;
    try {
      if (response.body !== null) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          await file.write(chunk);
          received += chunk.length;
          options.onProgress?.(received, total);
        }
      }
    } catch (error) {
      cut = error as Error;
    } finally {
      await file.close();
    }
    if (options.signal?.aborted) throw options.signal.reason;
    if (cut === undefined && (total === undefined || received === total)) break;
    const reason = cut ?? new Error(`connection closed after ${received} of ${total} bytes`);
    if (attempt >= retries) {
      throw new TaptrError(
        'TAPTR_NETWORK',
        `GET ${url}: the download was cut ${attempt + 1} times (last: ${reason.message}); run the command again to resume from ${received} bytes`,
        { cause: reason },
      );
    }
    resumed++;
    options.onRetry?.(attempt + 1, reason, received);
  }

  const sha256 = await sha256File(part);
  const expected = expectedGiven ?? announced;
  if (expected !== undefined && sha256 !== expected) {
    await rm(part, { force: true });
    throw new TaptrError(
      'TAPTR_CHECKSUM_MISMATCH',
      `${url}: sha256 mismatch: expected ${expected}, got ${sha256} (the partial file was deleted; check --sha256 or run again)`,
    );
  }
  await rename(part, dest);
  const bytes = (await sizeOf(dest)) ?? 0;
  return {
    path: dest,
    bytes,
    sha256,
    verified: expected !== undefined,
    ...(announced !== undefined ? { announcedSha256: announced } : {}),
    cached: false,
    resumed,
  };
}
