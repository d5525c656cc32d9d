// SPDX-License-Identifier: Apache-2.0
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from './cache-dir.js';

describe('defaultCacheDir', () => {
  it('is $TAPTR_CACHE when set, else the platform user cache folder (env-paths conventions)', () => {
    expect(defaultCacheDir({ TAPTR_CACHE: '/data/taptr', XDG_CACHE_HOME: '/x' }, 'linux')).toBe('/data/taptr');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux')).toBe(join('/x/cache', 'taptr'));
    expect(defaultCacheDir({}, 'linux')).toBe(join(homedir(), '.cache', 'taptr'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'darwin')).toBe(join(homedir(), 'Library', 'Caches', 'taptr'));
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:/Users/me/AppData/Local' }, 'win32')).toBe(join('C:/Users/me/AppData/Local', 'taptr', 'Cache'));
    expect(defaultCacheDir({ TAPTR_CACHE: '' }, 'freebsd')).toBe(join(homedir(), '.cache', 'taptr'));
  });
});
