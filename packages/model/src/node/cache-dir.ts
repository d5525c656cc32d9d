// SPDX-License-Identifier: Apache-2.0
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The taptr cache folder (downloaded checkpoints, converted models): `$TAPTR_CACHE` when set, else
 * the platform's user cache folder as the `env-paths` package names it: `$XDG_CACHE_HOME/taptr`
 * (default `~/.cache/taptr`) on Linux and other Unixes, `~/Library/Caches/taptr` on macOS,
 * `%LOCALAPPDATA%\taptr\Cache` on Windows.
 * @param env - the environment to read (default `process.env`).
 * @param platform - `process.platform` by default.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['TAPTR_CACHE']) return env['TAPTR_CACHE'];
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'taptr');
  // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an empty variable counts as unset
  if (platform === 'win32') return join(env['LOCALAPPDATA'] || join(homedir(), 'AppData', 'Local'), 'taptr', 'Cache');
  // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an empty variable counts as unset
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'taptr');
}
