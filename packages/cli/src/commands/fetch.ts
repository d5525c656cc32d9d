// SPDX-License-Identifier: Apache-2.0
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { defaultCacheDir, downloadFile, hubFileUrl, hubHeaders, isUnreachableError, PRETRAINED_MODELS } from '@taptr/model/node';
import { TaptrError } from '@taptr/tensor';
import type { CliIo } from '../cli-io.js';
import { newCommand } from '../command-kit.js';
import { startProgress } from '../progress.js';
import { UsageError } from '../usage-error.js';

/** The official TAPTR v1 checkpoint: `taptrv1.pth` of the Hugging Face repository `HYeungLee/TAPTR-Series`. */
const DEFAULT_CHECKPOINT = PRETRAINED_MODELS['taptr-v1']!;

interface FetchOptions {
  url?: string;
  sha256?: string;
  cache?: string;
  retries: number;
  json?: boolean;
}

/** `taptr fetch`: download the official checkpoint with progress, resume and sha256 verification. */
export function fetchCommand(io: CliIo): Command {
  return newCommand('fetch', io, ['taptr fetch', 'taptr fetch --cache ./models', 'taptr fetch --url https://example.org/my-taptr.pth --sha256 <64 hex digits>'])
    .description(
      `Download a TAPTR checkpoint (default: ${DEFAULT_CHECKPOINT.file} of huggingface.co/${DEFAULT_CHECKPOINT.repo}, or of the mirror $HF_ENDPOINT) into a cache folder, ` +
        'resuming cut downloads and checking its sha256; honours HF_TOKEN and HTTPS_PROXY / HTTP_PROXY / NO_PROXY. (taptr track --model taptr-v1 downloads, converts and caches in one step.)',
    )
    .option('--url <url>', `checkpoint URL (default: ${hubFileUrl(DEFAULT_CHECKPOINT, {})}, on $HF_ENDPOINT when set)`)
    .option('--sha256 <hex>', 'expected sha256 of the file (default: the one the server announces, if any)')
    .option(
      '--cache <dir>',
      'cache folder (default: $TAPTR_CACHE, else the user cache folder: $XDG_CACHE_HOME/taptr or ~/.cache/taptr on Linux, ~/Library/Caches/taptr on macOS, %LOCALAPPDATA%\\taptr\\Cache on Windows)',
    )
    .option('--retries <n>', 'resume attempts after a cut connection', (v) => Number(v), 5)
    .option('--json', 'print the result as JSON on stdout')
    .action(async (options: FetchOptions) => {
      let url: URL;
      try {
        url = new URL(options.url ?? hubFileUrl(DEFAULT_CHECKPOINT, io.env));
      } catch {
        throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(options.url)}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(options.url)}`);
      if (options.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.sha256)) {
        throw new UsageError(`--sha256 must be 64 hexadecimal digits, got ${JSON.stringify(options.sha256)}`);
      }
      if (!Number.isInteger(options.retries) || options.retries < 0 || options.retries > 100) {
        throw new UsageError(`--retries must be an integer in [0, 100], got ${options.retries}`);
      }
      const name = basename(decodeURIComponent(url.pathname)) || 'checkpoint.pth';
      const dest = join(options.cache ?? defaultCacheDir(io.env), name);
      const progress = startProgress(io.stderr, `fetch ${name}`, 0, 'bytes', !options.json);
      let result;
      try {
        result = await downloadFile({
          url: url.toString(),
          dest,
          ...(options.sha256 !== undefined ? { sha256: options.sha256 } : {}),
          retries: options.retries,
          headers: hubHeaders(url.toString(), io.env),
          env: io.env,
          onProgress: (received, total) => progress.update(received, total),
          onRetry: (attempt, error, at) => {
            if (!options.json) io.stderr.write(`\ntaptr fetch: connection cut (${error.message}); resuming at ${at} bytes (attempt ${attempt})\n`);
          },
        });
      } catch (error) {
        if (!isUnreachableError(error)) throw error;
        throw new TaptrError(
          'TAPTR_NETWORK',
          `${(error as Error).message}; offline or behind a proxy? Download ${url.toString()} by hand into ${dest}, then run: taptr convert ${dest} --out models/taptr-v1 (or set HTTPS_PROXY / HF_ENDPOINT)`,
          { cause: error },
        );
      } finally {
        progress.stop();
      }
      if (options.json) {
        io.stdout.write(`${JSON.stringify({ url: url.toString(), ...result })}\n`);
        return;
      }
      const size = `${(result.bytes / 1e6).toFixed(1)} MB`;
      const check = result.verified ? 'sha256 verified' : 'sha256 not checked: no expected value was given or announced';
      io.stdout.write(
        `${result.cached ? 'already in the cache' : 'downloaded'}: ${result.path} (${size}; ${check})\nsha256 ${result.sha256}\nnext: taptr convert ${result.path} --out models/taptr-v1\n`,
      );
    });
}
